import { useEffect } from 'react';
import Editor, { loader, type BeforeMount } from '@monaco-editor/react';
import * as monaco from 'monaco-editor';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';

// There is no CDN to load Monaco from: use the bundled copy and Vite-built workers.
self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};
loader.config({ monaco });

const modelUri = 'inmemory://task/task.json';

interface Props {
  value: string;
  onChange: (text: string) => void;
  schema: object | null;
}

/** Monaco with the task schema attached, so it underlines mistakes and completes property names as you type. */
export function TaskEditor({ value, onChange, schema }: Props) {
  const attachSchema: BeforeMount = (m) => {
    if (!schema) return;
    m.json.jsonDefaults.setDiagnosticsOptions({
      validate: true,
      enableSchemaRequest: false,
      schemas: [{ uri: 'inmemory://schemas/task.json', fileMatch: [modelUri], schema }],
    });
  };
  useEffect(() => attachSchema(monaco), [schema]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <div className="stack">
    <p className="muted" id="editor-keys">
      In the editor, Tab indents; press Ctrl+M first to make Tab move focus instead.
    </p>
    <div className="editor">
      <Editor
        height="420px"
        language="json"
        path={modelUri}
        value={value}
        onChange={(text) => onChange(text ?? '')}
        beforeMount={attachSchema}
        options={{ minimap: { enabled: false }, fontSize: 13, scrollBeyondLastLine: false, automaticLayout: true, tabSize: 2 }}
        wrapperProps={{ 'aria-label': 'Task JSON editor', 'aria-describedby': 'editor-keys' }}
      />
    </div>
    </div>
  );
}

import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import type { IncomingMessage } from 'node:http';

// The AppHost injects the ApiService's address (service discovery) and the port to listen on.
const apiTarget = process.env.services__api__http__0 ?? 'http://localhost:8080';
const apiPaths = ['/status', '/me', '/register-agent', '/agents', '/tools', '/tool-sources', '/tasks', '/execute-task', '/logs', '/schemas', '/openapi', '/mcp'];

// The dashboard's own pages share paths with the API (/agents, /tasks/<id>…). A browser navigating asks for HTML;
// the app's fetches do not, so a page load gets the app and everything else goes to the API.
const serveAppToBrowsers = (req: IncomingMessage) =>
  req.method === 'GET' && req.headers.accept?.includes('text/html') ? '/index.html' : undefined;

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
    // Transform the task editor (Monaco) at start-up rather than on the first visit, which would take many seconds.
    warmup: { clientFiles: ['./src/pages/tasks/NewTaskPage.tsx', './src/pages/tasks/TaskPage.tsx'] },
    // The browser sees one origin: API calls go to the ApiService through this proxy.
    proxy: Object.fromEntries(
      apiPaths.map((path) => [path, { target: apiTarget, changeOrigin: true, bypass: serveAppToBrowsers }]),
    ),
  },
  // Monaco is big; bundling it ahead keeps the first visit to the task editor quick on the dev server. Every page is
  // scanned for its dependencies at start-up, so a page's first visit never makes Vite re-bundle and reload the tab
  // (which would drop what the user was doing, e.g. a task being submitted).
  optimizeDeps: {
    entries: ['index.html', 'src/**/*.tsx', '!src/**/*.test.tsx', '!src/test/**'],
    include: ['monaco-editor', '@monaco-editor/react'],
  },
  build: { chunkSizeWarningLimit: 5000 },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    css: false,
  },
});

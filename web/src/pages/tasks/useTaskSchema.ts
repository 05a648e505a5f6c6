import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { fetchJson } from '../../api/client';
import { compileTaskSchema } from './validateTask';

/** GET /schemas/task.json and its compiled validator: the one definition of a valid task, owned by the API. */
export function useTaskSchema() {
  const schema = useQuery({ queryKey: ['task-schema'], queryFn: () => fetchJson('/schemas/task.json') as Promise<object>, staleTime: Infinity });
  const validate = useMemo(() => (schema.data ? compileTaskSchema(schema.data) : null), [schema.data]);
  return { schema, validate };
}

import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { agentsApi, unwrap } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';

/** Deleting asks first, in the page rather than a native dialog, so keyboard and screen-reader users get the same. */
export function DeleteAgentButton({ name }: { name: string }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(agentsApi.DELETE('/agents/{idOrName}', { params: { path: { idOrName: name } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['agents'] }),
  });
  if (!confirming) {
    return (
      <button type="button" className="danger" aria-label={`Delete ${name}`} onClick={() => setConfirming(true)}>
        Delete
      </button>
    );
  }
  return (
    <div role="alertdialog" aria-label={`Delete ${name}?`} className="stack">
      <span>Delete {name}? Its tasks stay.</span>
      <div className="row">
        <button type="button" className="danger" autoFocus onClick={() => remove.mutate()} disabled={remove.isPending}>
          Yes, delete {name}
        </button>
        <button type="button" onClick={() => setConfirming(false)}>Keep</button>
      </div>
      {remove.isError && <ProblemAlert error={remove.error} />}
    </div>
  );
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import { storeKey } from '../../auth/session';
import { json, renderWithProviders } from '../../test/render';
import { AgentsPage } from './AgentsPage';

const agent = {
  id: '6f1c1b2e-0000-4000-8000-000000000001', name: 'planner', description: null, status: 'active', tools: ['math.add'],
  labels: {}, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', version: 1,
};

afterEach(() => vi.unstubAllGlobals());

function signedInAs(role: string) {
  storeKey('aok_test');
  vi.stubGlobal('fetch', vi.fn(async (request: Request) =>
    new URL(request.url).pathname === '/agents' ? json({ items: [agent], nextCursor: null }) : json({ items: [] })));
  return vi.fn(async () => json({ role, agentId: null, agentName: null }));
}

describe('AgentsPage by role', () => {
  it('lets an admin register, edit and delete', async () => {
    renderWithProviders(<AgentsPage />, { fetchImpl: signedInAs('admin') });

    expect(await screen.findByRole('cell', { name: 'planner' })).toBeInTheDocument();
    expect(await screen.findByRole('form', { name: 'Register an agent' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Edit planner' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Delete planner' })).toBeInTheDocument();
  });

  it('shows a viewer the list without any way to change it', async () => {
    const me = signedInAs('viewer');
    renderWithProviders(<AgentsPage />, { fetchImpl: me });

    expect(await screen.findByRole('cell', { name: 'planner' })).toBeInTheDocument();
    await waitFor(() => expect(me).toHaveBeenCalled());
    await act(() => me.mock.results[0].value); // the role is known from here on
    expect(screen.queryByRole('form', { name: 'Register an agent' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Edit|Delete/ })).toBeNull();
  });
});

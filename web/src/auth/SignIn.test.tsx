import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { json, problem, renderWithProviders } from '../test/render';
import { useAuth } from './AuthProvider';
import { SignInPage } from './SignInPage';
import { readKey } from './session';

function Gate() {
  const { me } = useAuth();
  return me ? <p>Signed in as {me.role}</p> : <SignInPage />;
}

describe('sign-in', () => {
  it('checks the key with GET /me, keeps it for the session and shows the role', async () => {
    const fetchImpl = vi.fn(async () => json({ role: 'viewer', agentId: null, agentName: null }));
    renderWithProviders(<Gate />, { fetchImpl });

    await userEvent.type(screen.getByLabelText('API key'), '  aok_good  ');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByText('Signed in as viewer')).toBeInTheDocument();
    expect(readKey()).toBe('aok_good');
    const [url, init] = fetchImpl.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/me');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer aok_good');
  });

  it('says a rejected key was not accepted and does not keep it', async () => {
    const fetchImpl = vi.fn(async () => problem(401, { title: 'Unauthorized', code: 'unauthorized' }));
    renderWithProviders(<Gate />, { fetchImpl });

    await userEvent.type(screen.getByLabelText('API key'), 'aok_wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('That key was not accepted');
    expect(readKey()).toBeNull();
  });

  it('cannot be submitted empty', () => {
    renderWithProviders(<Gate />, { fetchImpl: vi.fn() });
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  });
});

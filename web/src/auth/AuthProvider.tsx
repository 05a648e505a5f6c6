import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, problemFrom } from '../api/problem';
import type { Me } from '../api/types';
import { clearKey, onSignedOut, readKey, signOut, storeKey } from './session';

export interface Permissions {
  /** Register, edit and delete agents, tools and sources. */
  admin: boolean;
  /** Submit tasks and invoke tools (an agent key does so as itself). */
  operate: boolean;
}

interface AuthState {
  me: Me | null;
  /** True while a key from an earlier page load is being checked. */
  checking: boolean;
  can: Permissions;
  signIn: (key: string) => Promise<void>;
  signOut: () => void;
}

const AuthContext = createContext<AuthState | null>(null);

/**
 * Asks GET /me who the key belongs to; a 401 is a wrong key, anything else an API problem. A plain fetch, not the
 * shared client: the key is not stored until it has been accepted, and this 401 must not end another session.
 */
export async function whoAmI(key: string, fetchImpl: typeof fetch = (input, init) => fetch(input, init)): Promise<Me> {
  const response = await fetchImpl('/me', { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });
  if (!response.ok) throw await problemFrom(response);
  return (await response.json()) as Me;
}

export function permissionsOf(me: Me | null): Permissions {
  return { admin: me?.role === 'admin', operate: me?.role === 'admin' || me?.role === 'agent' };
}

export function AuthProvider({ children, fetchImpl }: { children: ReactNode; fetchImpl?: typeof fetch }) {
  const queryClient = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(() => readKey() !== null);

  // A key kept from earlier in this browser session is checked again: it may have been revoked meanwhile.
  useEffect(() => {
    const key = readKey();
    if (!key) return;
    whoAmI(key, fetchImpl)
      .then(setMe)
      .catch(() => clearKey())
      .finally(() => setChecking(false));
  }, [fetchImpl]);

  useEffect(
    () =>
      onSignedOut(() => {
        setMe(null);
        queryClient.clear(); // another key may see different data
      }),
    [queryClient],
  );

  const signIn = useCallback(
    async (key: string) => {
      const trimmed = key.trim();
      const who = await whoAmI(trimmed, fetchImpl);
      storeKey(trimmed);
      queryClient.clear();
      setMe(who);
    },
    [fetchImpl, queryClient],
  );

  const value = useMemo(
    () => ({ me, checking, can: permissionsOf(me), signIn, signOut }),
    [me, checking, signIn],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const auth = useContext(AuthContext);
  if (!auth) throw new Error('useAuth outside AuthProvider');
  return auth;
}

export { ApiError };

// The key lives in sessionStorage: it survives reloads but not closing the browser, and never goes to other tabs' storage.
const storageKey = 'agent-orchestration.api-key';

export function readKey(): string | null {
  return sessionStorage.getItem(storageKey);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(storageKey, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(storageKey);
}

// Whoever shows the sign-in page listens here; a 401 from any call anywhere ends the session.
type Listener = () => void;
const listeners = new Set<Listener>();

export function onSignedOut(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function signOut(): void {
  clearKey();
  listeners.forEach((listener) => listener());
}

export function authHeaders(): Record<string, string> {
  const key = readKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}

/**
 * Who is signed in (GET /api/session) and the CSRF token every cookie-authenticated write must
 * send in X-CSRF-Token. Loaded once at start; panels add csrfHeaders() to their writes.
 */
export interface SessionInfo {
  user: { id: number; name: string; role: 'viewer' | 'analyst' | 'admin'; via: string } | null;
  csrfToken: string | null;
  publicRead: boolean;
  needsSetup: boolean;
}

let current: SessionInfo = { user: null, csrfToken: null, publicRead: true, needsSetup: false };

export async function loadSession(): Promise<SessionInfo> {
  const res = await fetch('/api/session', { cache: 'no-store', credentials: 'same-origin' });
  if (res.ok) current = (await res.json()) as SessionInfo;
  return current;
}

export const session = (): SessionInfo => current;

export function csrfHeaders(): Record<string, string> {
  return current.csrfToken ? { 'x-csrf-token': current.csrfToken } : {};
}

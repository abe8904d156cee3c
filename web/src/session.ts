// The logged-in session: token and user, kept in localStorage (read synchronously at start).
export interface SessionUser {
  id: number;
  role: string;
  name?: string;
  email: string;
}
export interface Session {
  token: string;
  user: SessionUser;
}

const KEY = 'boucle.session';
let cached: Session | null | undefined;
const listeners = new Set<(s: Session | null) => void>();

export function getSession(): Session | null {
  if (cached !== undefined) return cached;
  try {
    const raw = globalThis.localStorage?.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Session) : null;
    cached = parsed && typeof parsed.token === 'string' && parsed.user ? parsed : null;
  } catch {
    cached = null;
  }
  return cached;
}

export function setSession(s: Session): void {
  cached = s;
  try { globalThis.localStorage?.setItem(KEY, JSON.stringify(s)); } catch { /* ignore */ }
  listeners.forEach((f) => f(s));
}

export function clearSession(): void {
  cached = null;
  try { globalThis.localStorage?.removeItem(KEY); } catch { /* ignore */ }
  listeners.forEach((f) => f(null));
}

export function onSessionChange(f: (s: Session | null) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

// The shell: login, session check, header with the sync badge, hash routing, role split.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import { formatRelative, getLocale, onLocaleChange, t } from './i18n';
import { type Session, clearSession, getSession, onSessionChange, setSession } from './session';
import { UnsentWorkError, db, getEngine, go, nowSec, prepareDbFor, useHash, useOnline, useSyncStatus } from './state';
import { RepApp } from './rep/app';

export function App() {
  const [session, setS] = useState<Session | null>(getSession());
  const [, setLocale] = useState(getLocale());
  useEffect(() => onSessionChange(setS), []);
  useEffect(() => onLocaleChange(setLocale), []);

  // Check the token when the network allows; a 401 ends the session (the data stays).
  useEffect(() => {
    if (!session) return;
    api<any>('GET', '/api/v1/me')
      .then((me) => {
        if (me && me.id === session.user.id && (me.role !== session.user.role || me.name !== session.user.name)) {
          setSession({ token: session.token, user: { id: me.id, role: me.role, name: me.name, email: me.email } });
        }
      })
      .catch((e) => { if (e instanceof ApiError && e.status === 401) clearSession(); });
  }, [session?.token]);

  if (!session) return <Login />;
  if (session.user.role === 'rep') return <RepShell session={session} />;
  return <ManagerShell />;
}

function Login() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ token: string; user: any }>('POST', '/api/v1/auth/login', { email: email.trim(), password });
      await prepareDbFor(r.user.id);
      setSession({ token: r.token, user: { id: r.user.id, role: r.user.role, name: r.user.name, email: r.user.email } });
      if (!location.hash || location.hash === '#/') go(r.user.role === 'rep' ? '#/week' : '#/manager');
    } catch (err) {
      if (err instanceof ApiError) {
        setError(err.status === 401 ? t('login.bad') : err.status === 429 ? t('login.rate') : err.message);
      } else if (err instanceof UnsentWorkError) {
        setError(t('login.unsentOther', { n: err.pending }));
      } else {
        setError(t('login.offline'));
      }
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login">
      <form onSubmit={submit} class="card">
        <h1 class="brand">Boucle</h1>
        <p class="muted">{t('login.subtitle')}</p>
        <label>{t('login.email')}
          <input data-testid="login-email" type="email" autocomplete="username" required value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>{t('login.password')}
          <input data-testid="login-password" type="password" autocomplete="current-password" required value={password}
            onInput={(e) => setPassword((e.target as HTMLInputElement).value)} />
        </label>
        {error && <p class="error" role="alert" data-testid="login-error">{error}</p>}
        <button data-testid="login-submit" class="primary big" disabled={busy} type="submit">
          {busy ? t('login.busy') : t('login.submit')}
        </button>
      </form>
    </main>
  );
}

export function SyncBadge() {
  const s = useSyncStatus();
  const online = useOnline();
  if (!s) return null;
  const cls = !online ? 'offline' : s.state === 'syncing' ? 'syncing' : s.rejected > 0 || s.state === 'error' || s.state === 'auth' ? 'warn' : 'ok';
  return (
    <a href="#/sync" class={`badge ${cls}`} data-testid="sync-badge" data-pending={s.pending} data-rejected={s.rejected}
      data-online={online ? '1' : '0'} aria-label={t('badge.label')}>
      <span class="dot" aria-hidden="true" />
      <span>{online ? (s.state === 'syncing' ? t('badge.syncing') : t('badge.online')) : t('badge.offline')}</span>
      {s.pending > 0 && <span class="count" data-testid="sync-pending">{t('badge.pending', { n: s.pending })}</span>}
      {s.rejected > 0 && <span class="count bad" data-testid="sync-rejected">{t('badge.rejected', { n: s.rejected })}</span>}
      {s.lastSync && <span class="when">{formatRelative(s.lastSync, nowSec())}</span>}
    </a>
  );
}

function RepShell({ session }: { session: Session }) {
  const route = useHash();
  useEffect(() => {
    const engine = getEngine();
    engine.startAuto();
    // A token the server refuses (expired, revoked): sign in again; the local data and the
    // outbox stay for the same user.
    const off = engine.subscribe((s) => { if (s.state === 'auth') clearSession(); });
    return () => { off(); engine.stopAuto(); };
  }, [session.token]);
  const tab = route[0] ?? 'week';
  return (
    <div class="shell">
      <header class="top">
        <a href="#/week" class="brand">Boucle</a>
        <SyncBadge />
      </header>
      <RepApp route={route} session={session} />
      <nav class="tabs">
        <a href="#/week" class={tab === 'week' ? 'on' : ''}>{t('nav.week')}</a>
        <a href="#/stores" class={tab === 'stores' || tab === 'store' ? 'on' : ''}>{t('nav.stores')}</a>
        <a href="#/sync" class={tab === 'sync' ? 'on' : ''}>{t('nav.sync')}</a>
        <a href="#/settings" class={tab === 'settings' ? 'on' : ''}>{t('nav.settings')}</a>
      </nav>
    </div>
  );
}

function ManagerShell() {
  const [Comp, setComp] = useState<ComponentType | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!location.hash.startsWith('#/manager')) go('#/manager');
    import('./manager/index')
      .then((m) => setComp(() => m.ManagerApp))
      .catch(() => setFailed(true));
  }, []);
  // Real time: the server says when something the manager may see changed (a rep synced, an
  // import landed); the views listening to `boucle:changed` reload what they show.
  useEffect(() => {
    const session = getSession();
    if (!session || typeof EventSource === 'undefined') return;
    const source = new EventSource(`/api/v1/events?token=${encodeURIComponent(session.token)}`);
    const changed = () => window.dispatchEvent(new CustomEvent('boucle:changed'));
    source.addEventListener('changed', changed);
    return () => source.close();
  }, []);
  if (failed) return <main class="page"><p class="error">{t('manager.loadFailed')}</p></main>;
  if (!Comp) return <main class="page"><p class="muted">{t('common.loading')}</p></main>;
  return <Comp />;
}

/** Logout: revoke the token when possible; the local data stays for the same user. */
export async function logout(): Promise<void> {
  const pending = await db.outbox.count();
  if (pending > 0 && !confirm(t('settings.logoutPending', { n: pending }))) return;
  try { await api('POST', '/api/v1/auth/logout'); } catch { /* offline: the token expires anyway */ }
  getEngine().stopAuto();
  clearSession();
  go('#/');
}

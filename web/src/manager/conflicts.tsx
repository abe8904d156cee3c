// Conflicts: store fields a rep changed offline while the office changed them too. The manager
// keeps the rep's value or the current one.
import { useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { t } from '../i18n';
import { loadStores, loadUsers, repName, storeIndex } from './data';
import { ErrorBox, fetchAll, fmtDateTime, Loading, useAsync, useDataChanged } from './util';

type Conflict = {
  id: number;
  store_id: number;
  field: string;
  base: unknown;
  client_value: unknown;
  server_value: unknown;
  user_id: number;
  created_at: string;
  status: string;
};

function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function ConflictsView() {
  const list = useAsync(async (signal) => {
    try {
      return await fetchAll<Conflict>('/api/v1/conflicts', { status: 'open' }, signal);
    } catch (e) {
      // The route may not exist on an older server: show "none" rather than an error.
      if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return null;
      throw e;
    }
  }, []);
  const names = useAsync(async () => {
    const [users, stores] = await Promise.all([loadUsers().catch(() => []), loadStores().catch(() => [])]);
    return { users: new Map(users.map((u) => [u.id, u])), stores: storeIndex(stores) };
  }, []);
  const [busy, setBusy] = useState<number | null>(null);
  const [err, setErr] = useState<unknown>(null);
  const [resolved, setResolved] = useState<Set<number>>(new Set());
  useDataChanged(() => list.reload());

  const resolve = async (c: Conflict, keep: 'client' | 'server') => {
    setBusy(c.id);
    setErr(null);
    try {
      await api('POST', `/api/v1/conflicts/${c.id}/resolve`, { keep });
      setResolved(new Set([...resolved, c.id]));
      list.reload();
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(null);
    }
  };

  const items = (list.data ?? []).filter((c) => !resolved.has(c.id) && (c.status ?? 'open') === 'open');
  return (
    <div class="mgr-conflicts">
      <section class="mgr-card">
        <div class="mgr-row mgr-spread">
          <h2>{t('mgr.conf.title')}</h2>
          <button type="button" class="mgr-btn" onClick={list.reload} disabled={list.loading}>
            {t('mgr.refresh')}
          </button>
        </div>
        <p class="mgr-muted mgr-small">{t('mgr.conf.hint')}</p>
        {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : null}
        {err ? <ErrorBox error={err} /> : null}
        {list.loading && !list.data && <Loading />}
        {list.data === null && <p class="mgr-muted">{t('mgr.conf.unavailable')}</p>}
        {list.data && items.length === 0 && <p class="mgr-muted" data-testid="mgr-conflicts-empty">{t('mgr.conf.none')}</p>}
        {items.length > 0 && (
          <ul class="mgr-conflict-list">
            {items.map((c) => {
              const store = names.data?.stores.get(c.store_id);
              return (
                <li key={c.id} class="mgr-conflict" data-testid="mgr-conflict">
                  <div class="mgr-row mgr-spread mgr-wrap">
                    <strong>
                      {store?.name ?? `#${c.store_id}`} · {t(`field.${c.field}`)}
                    </strong>
                    <span class="mgr-muted mgr-small">
                      {repName(names.data?.users.get(c.user_id), c.user_id)} · {fmtDateTime(c.created_at)}
                    </span>
                  </div>
                  <dl class="mgr-conflict-values">
                    <dt>{t('mgr.conf.base')}</dt>
                    <dd>{show(c.base)}</dd>
                    <dt>{t('mgr.conf.client')}</dt>
                    <dd class="mgr-client">{show(c.client_value)}</dd>
                    <dt>{t('mgr.conf.server')}</dt>
                    <dd class="mgr-server">{show(c.server_value)}</dd>
                  </dl>
                  <div class="mgr-row mgr-wrap">
                    <button
                      type="button"
                      class="mgr-btn mgr-primary"
                      disabled={busy === c.id}
                      data-testid="mgr-conflict-keep-client"
                      onClick={() => resolve(c, 'client')}
                    >
                      {t('mgr.conf.keepClient')}
                    </button>
                    <button
                      type="button"
                      class="mgr-btn"
                      disabled={busy === c.id}
                      data-testid="mgr-conflict-keep-server"
                      onClick={() => resolve(c, 'server')}
                    >
                      {t('mgr.conf.keepServer')}
                    </button>
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}

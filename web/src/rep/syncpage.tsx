// Sync page: what waits, what was rejected and why, photos uploading, "sync now".
import { useState } from 'preact/hooks';
import { formatDateTime, formatNumber, formatRelative, t } from '../i18n';
import { db, getEngine, nowSec, useLive, useOnline, useSyncStatus } from '../state';
import { rejectionKey } from './logic';

export function SyncPage() {
  const status = useSyncStatus();
  const online = useOnline();
  const outbox = useLive(() => db.outbox.orderBy('n').limit(300).toArray(), [], []);
  const total = useLive(() => db.outbox.count(), [], 0);
  const rejected = useLive(() => db.rejected.orderBy('n').reverse().toArray(), [], []);
  const blobs = useLive(() => db.blobs.filter((b) => !b.complete).toArray(), [], []);
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState<string | null>(null);
  const run = async () => {
    setBusy(true);
    const r = await getEngine().sync();
    setBusy(false);
    setLast(r.ok ? t('sync.resultOk', { applied: r.applied, pulled: r.pulled }) : r.retryLater ? t('sync.resultRetry') : t('sync.resultFailed', { error: r.error ?? '' }));
  };
  return (
    <main class="page sync">
      <h1>{t('sync.title')}</h1>
      <div class="card">
        <p>{online ? t('badge.online') : t('badge.offline')} · {status?.lastSync ? t('sync.last', { when: formatRelative(status.lastSync, nowSec()) }) : t('sync.never')}</p>
        {status?.lastError && status.state !== 'idle' && <p class="warn">{status.lastError}</p>}
        <button class="primary big" data-testid="sync-now" disabled={busy || !online} onClick={run}>{busy ? t('badge.syncing') : t('sync.now')}</button>
        {last && <p class="muted" data-testid="sync-result">{last}</p>}
      </div>

      <section class="card">
        <h2>{t('sync.rejected', { n: rejected.length })}</h2>
        {rejected.length === 0 ? <p class="muted">{t('sync.noneRejected')}</p> : (
          <ul class="list">{rejected.map((r) => (
            <li data-testid="rejected-item" class="rejected">
              <span><b>{t(`kind.${r.kind}`)}</b> · {formatDateTime(r.created_at)}<br />
                {rejectionKey(r.problem) && <span class="error">{t(rejectionKey(r.problem)!)}<br /></span>}
                <small class={rejectionKey(r.problem) ? 'muted' : 'error'}>{r.problem?.detail ?? r.problem?.title ?? t('sync.unknownReason')}</small>
                {(r.problem?.errors ?? []).map((e: any) => <small class="muted"><br />{e.field}: {e.message}</small>)}</span>
              <span class="row">
                {/* Sent again as a new change: useful once the cause is gone (the store came back
                    to the territory, the visit was checked in again). */}
                <button data-testid="rejected-resend" onClick={async () => {
                  await getEngine().enqueue(r.kind, r.data);
                  await db.rejected.delete(r.n);
                  void getEngine().sync();
                }}>{t('sync.resend')}</button>
                <button data-testid="rejected-dismiss" onClick={() => db.rejected.delete(r.n)}>{t('sync.dismiss')}</button>
              </span>
            </li>))}</ul>
        )}
      </section>

      <section class="card">
        <h2>{t('sync.photos', { n: blobs.length })}</h2>
        {blobs.length === 0 ? <p class="muted">{t('sync.noPhotos')}</p> : (
          <ul class="list">{blobs.map((b) => (
            <li data-testid="blob-item"><span>{b.filename} · {formatNumber(Math.round(b.size / 1024))} Ko{b.error ? ` · ${b.error}` : ''}</span>
              <progress max={b.size} value={b.uploaded} /></li>))}</ul>
        )}
      </section>

      <section class="card">
        <h2>{t('sync.pending', { n: total })}</h2>
        {total === 0 ? <p class="muted">{t('sync.nonePending')}</p> : (
          <ul class="list">{outbox.map((m) => (
            <li data-testid="outbox-item"><span>#{m.n} · {t(`kind.${m.kind}`)}</span><small>{formatDateTime(m.created_at)}</small></li>))}</ul>
        )}
        {total > outbox.length && <p class="muted">{t('sync.more', { n: total - outbox.length })}</p>}
      </section>
    </main>
  );
}

// One visit as the manager reads it: when and where the rep checked in, the report and next
// steps, the shelf readings, the order and the photos. Photos need the bearer token, which an
// <img> cannot send: their bytes are fetched and shown from object URLs.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { getSession } from '../session';
import { ErrorBox, fetchAll, fmtDateTime, fmtNum, Loading, useAsync } from './util';

type Audit = { id: number; product_id: number; present: boolean; facings: number; shelf_price_cents: number | null; out_of_stock: boolean; promo: boolean };
type Order = { id: number; status: string; total_cents: number; lines: { product_id: number; quantity: number; unit_price_cents: number }[] };
type Attachment = { id: number; sha256: string; content_type: string; filename: string };
type Product = { id: number; name: string; sku: string };
type VisitFull = {
  id: number; status: string; type: string; report: string; next_steps: string;
  checkin: { at: string; far: boolean; distance_m: number | null; reason: string } | null;
  checkout: { at: string } | null;
};

let productsP: Promise<Map<number, Product>> | null = null;
function products(): Promise<Map<number, Product>> {
  if (!productsP) {
    productsP = fetchAll<Product>('/api/v1/products').then((ps) => new Map(ps.map((p) => [p.id, p])));
    productsP.catch(() => (productsP = null));
  }
  return productsP;
}

const euros = (cents: number | null | undefined) =>
  cents === null || cents === undefined ? '—' : new Intl.NumberFormat(undefined, { style: 'currency', currency: 'EUR' }).format(cents / 100);

function Photo({ sha, type }: { sha: string; type: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let objectUrl: string | null = null;
    const ctl = new AbortController();
    fetch(`/api/v1/blobs/${sha}`, { headers: { Authorization: `Bearer ${getSession()?.token ?? ''}` }, signal: ctl.signal })
      .then((r) => (r.ok ? r.blob() : Promise.reject(new Error(String(r.status)))))
      .then((b) => { objectUrl = URL.createObjectURL(b); setUrl(objectUrl); })
      .catch(() => setFailed(true));
    return () => { ctl.abort(); if (objectUrl) URL.revokeObjectURL(objectUrl); };
  }, [sha]);
  if (failed) return <span class="mgr-muted">{t('mgr.visit.photoMissing')}</span>;
  if (!url) return <span class="mgr-muted">…</span>;
  return type.startsWith('image/')
    ? <a href={url} target="_blank" rel="noopener"><img class="mgr-photo" src={url} alt={t('mgr.visit.photo')} data-testid="mgr-visit-photo" /></a>
    : <a href={url} target="_blank" rel="noopener">{t('mgr.visit.file')}</a>;
}

export function VisitDetail({ visitId }: { visitId: number }) {
  const data = useAsync(async (signal) => {
    const [visit, audits, orders, photos, catalogue] = await Promise.all([
      api<VisitFull>('GET', `/api/v1/visits/${visitId}`, undefined, { signal }),
      fetchAll<Audit>('/api/v1/audits', { visit_id: visitId }, signal),
      fetchAll<Order>('/api/v1/orders', { visit_id: visitId }, signal),
      fetchAll<Attachment>('/api/v1/attachments', { visit_id: visitId }, signal),
      products(),
    ]);
    return { visit, audits, orders, photos, catalogue };
  }, [visitId]);
  if (data.error) return <ErrorBox error={data.error} onRetry={data.reload} />;
  if (!data.data) return <Loading />;
  const { visit, audits, orders, photos, catalogue } = data.data;
  const name = (id: number) => catalogue.get(id)?.name ?? `#${id}`;
  return (
    <div class="mgr-visit" data-testid="mgr-visit-detail">
      <p>
        {visit.checkin ? `${t('mgr.activity.checkin')} ${fmtDateTime(visit.checkin.at)}` : t('mgr.visit.notStarted')}
        {visit.checkin?.distance_m !== null && visit.checkin?.distance_m !== undefined ? ` · ${fmtNum(visit.checkin.distance_m)} m` : ''}
        {visit.checkin?.far ? ` · ${t('mgr.activity.far')}${visit.checkin.reason ? ` (${visit.checkin.reason})` : ''}` : ''}
        {visit.checkout ? ` · ${t('mgr.visit.checkout')} ${fmtDateTime(visit.checkout.at)}` : ''}
      </p>
      {visit.report && <p><b>{t('mgr.visit.report')}</b> {visit.report}</p>}
      {visit.next_steps && <p><b>{t('mgr.visit.nextSteps')}</b> {visit.next_steps}</p>}
      {audits.length > 0 && (
        <div class="mgr-table-wrap"><table class="mgr-table">
          <thead><tr><th>{t('mgr.visit.product')}</th><th>{t('mgr.visit.present')}</th><th>{t('mgr.visit.facings')}</th><th>{t('mgr.visit.price')}</th></tr></thead>
          <tbody>
            {audits.map((a) => (
              <tr key={a.id}>
                <td>{name(a.product_id)}</td>
                <td>{a.present ? '✓' : '✗'}</td>
                <td>{a.facings}</td>
                <td>
                  {euros(a.shelf_price_cents)}
                  {[a.out_of_stock ? t('mgr.visit.oos') : '', a.promo ? t('mgr.visit.promo') : ''].filter(Boolean).map((f) => <small class="mgr-muted"> · {f}</small>)}
                </td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      {orders.map((o) => (
        <p key={o.id} data-testid="mgr-visit-order">
          <b>{t('mgr.visit.order')}</b> {o.lines.map((l) => `${l.quantity} × ${name(l.product_id)}`).join(', ')} · {euros(o.total_cents)}
        </p>
      ))}
      {photos.length > 0 && (
        <div class="mgr-photos">{photos.map((p) => <Photo key={p.id} sha={p.sha256} type={p.content_type} />)}</div>
      )}
      {audits.length === 0 && orders.length === 0 && photos.length === 0 && !visit.report && (
        <p class="mgr-muted">{t('mgr.visit.nothing')}</p>
      )}
    </div>
  );
}

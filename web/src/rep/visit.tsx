// The visit flow: check-in (GPS, far → reason), audits, photos, order, report, check-out.
// Each step is a mutation enqueued at once, so a reload mid-visit loses nothing: the page
// rebuilds its state from the local database (drafts of the order and report in localStorage).
import { useEffect, useMemo, useState } from 'preact/hooks';
import { formatDateTime, formatMoney, getLocale, t } from '../i18n';
import type { Rec } from '../db';
import { getSession } from '../session';
import { db, getEngine, go, nowSec, useLive } from '../state';
import { uuid } from '../sync/ids';
import { deviceTime, visitByClientId } from '../sync/optimistic';
import {
  campaignsOfWhy, canCheckIn, checkinNeedsReason, expectedProductIds, formatDistance, haversineMetres,
  latestAuditsByProduct, localDate, orderTotal, searchProducts,
  whyText,
} from './logic';
import { storePhoto } from './photo';

type Fix = { lat: number; lon: number; accuracy: number };

export function locate(timeoutMs = 10000): Promise<Fix> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) { reject(new Error('unsupported')); return; }
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy: p.coords.accuracy }),
      (e) => reject(new Error(e.code === 1 ? 'denied' : e.code === 3 ? 'timeout' : 'unavailable')),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60000 },
    );
  });
}

export function VisitPage({ clientId, newStoreId }: { clientId: string | null; newStoreId: number | null }) {
  if (!clientId) return newStoreId ? <CheckIn storeId={newStoreId} /> : <main class="page"><p>{t('common.notFound')}</p></main>;
  return <VisitFlow clientId={clientId} />;
}

// ------------------------------------------------------------------ check-in

const REASONS = ['gps', 'parking', 'moved', 'other'] as const;

function CheckIn({ storeId }: { storeId: number }) {
  const store = useLive(() => db.stores.get(storeId), [storeId], undefined);
  const plan = useLive(() => db.plans.toCollection().first(), [], undefined);
  const plannedVisits = useLive(() => db.visits.where('store_id').equals(storeId).filter((v) => v.status === 'planned').toArray(), [storeId], []);
  const open = useLive(() => db.visits.where('store_id').equals(storeId).filter((v) => v.status === 'in_progress').first(), [storeId], undefined);
  const [fix, setFix] = useState<Fix | null>(null);
  const [geoError, setGeoError] = useState<string | null>(null);
  const [locating, setLocating] = useState(false);
  const [reasonKind, setReasonKind] = useState<string>('');
  const [reasonText, setReasonText] = useState('');
  const [type, setType] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const today = localDate(nowSec());
  const stop = useMemo(() => {
    for (const d of plan?.days ?? []) if (d.date === today) for (const s of d.stops ?? []) if (s.store_id === storeId) return s;
    return null;
  }, [plan, storeId, today]);
  const planned = plannedVisits.find((v) => v.id === stop?.visit_id) ?? plannedVisits.find((v) => v.planned_at && localDate(v.planned_at) === today);
  const visitType = type ?? stop?.type ?? planned?.type ?? (['hyper', 'super', 'cash_carry'].includes(store?.channel) ? 'deep' : 'quick');

  const doLocate = () => {
    setLocating(true);
    setGeoError(null);
    locate().then(setFix, (e: Error) => setGeoError(e.message)).finally(() => setLocating(false));
  };
  useEffect(doLocate, []);

  if (open?.client_id) {
    return <main class="page"><p>{t('visit.alreadyOpen')}</p><a class="button primary" href={`#/visit/${open.client_id}`}>{t('visit.resume')}</a></main>;
  }
  if (!store) return <main class="page"><p class="muted">{t('common.loading')}</p></main>;
  const distance = fix ? haversineMetres(fix, { lat: store.lat, lon: store.lon }) : null;
  const needsReason = checkinNeedsReason(distance);
  const reason = reasonKind === 'other' || reasonKind === '' ? reasonText.trim() : [t(`reason.${reasonKind}`), reasonText.trim()].filter(Boolean).join(' — ');
  const ok = canCheckIn(distance, reason) && !busy;

  const checkIn = async () => {
    setBusy(true);
    const cid = uuid();
    const data: Record<string, unknown> = {
      client_id: cid, store_id: store.id, type: visitType, at: deviceTime(),
    };
    // Without a position the server flags the check-in far and keeps the reason.
    if (fix) { data.lat = fix.lat; data.lon = fix.lon; }
    if (!fix) data.reason = `${t('reason.nofix')}: ${reason}`;
    else if (needsReason) data.reason = reason;
    const plannedId = stop?.visit_id ?? planned?.id;
    if (typeof plannedId === 'number') data.visit_id = plannedId;
    await getEngine().enqueue('visit.checkin', data);
    location.replace(`#/visit/${cid}`);
  };

  return (
    <main class="page visit">
      <h1>{t('visit.checkinTitle')}</h1>
      <p><b>{store.name}</b><br /><span class="muted">{store.address}, {store.city}</span></p>
      {stop?.why && <p class="why"><b>{t('week.why')}</b> {whyText(stop.why, t)}</p>}
      <div class="card">
        {locating && <p class="muted">{t('visit.locating')}</p>}
        {fix && distance !== null && (
          <p data-testid="checkin-distance" data-metres={Math.round(distance)} class={needsReason ? 'warn' : 'ok'}>
            {t('visit.distance', { d: formatDistance(distance, getLocale()) })} {needsReason ? `— ${t('visit.far')}` : '✓'}
            <br /><small class="muted">{t('visit.accuracy', { m: Math.round(fix.accuracy) })}</small>
          </p>
        )}
        {geoError && <p class="warn" data-testid="checkin-nogps">{t(`geo.${geoError}`)} {t('visit.manualFallback')}</p>}
        <button onClick={doLocate} disabled={locating}>{t('visit.relocate')}</button>
      </div>
      {needsReason && !locating && (
        <div class="card">
          <p><b>{t('visit.reasonNeeded')}</b></p>
          <div class="chips">
            {REASONS.map((r) => (
              <label class={`chip ${reasonKind === r ? 'on' : ''}`}>
                <input type="radio" name="reason" value={r} checked={reasonKind === r} onChange={() => setReasonKind(r)} />{t(`reason.${r}`)}
              </label>
            ))}
          </div>
          <input data-testid="checkin-reason" placeholder={t('visit.reasonPlaceholder')} value={reasonText}
            onInput={(e) => setReasonText((e.target as HTMLInputElement).value)} />
        </div>
      )}
      <div class="card">
        <label>{t('visit.type')}
          <select value={visitType} onChange={(e) => setType((e.target as HTMLSelectElement).value)}>
            <option value="quick">{t('visitType.quick')}</option>
            <option value="deep">{t('visitType.deep')}</option>
          </select>
        </label>
      </div>
      <button class="primary big" data-testid="checkin" disabled={!ok || locating} onClick={checkIn}>{t('visit.checkin')}</button>
    </main>
  );
}

// ------------------------------------------------------------------ the visit

function useDraft<T>(key: string, initial: T): [T, (v: T) => void] {
  const [v, setV] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key);
      return raw ? (JSON.parse(raw) as T) : initial;
    } catch { return initial; }
  });
  const set = (x: T) => {
    setV(x);
    try { localStorage.setItem(key, JSON.stringify(x)); } catch { /* ignore */ }
  };
  return [v, set];
}

function clearDrafts(cid: string) {
  for (const k of ['order', 'report', 'next', 'fields']) localStorage.removeItem(`boucle.draft.${k}.${cid}`);
}

function VisitFlow({ clientId }: { clientId: string }) {
  const data = useLive(async () => {
    const visit = await visitByClientId(db, clientId);
    if (!visit) return { visit: undefined } as any;
    const sid = visit.store_id as number;
    const serverId = typeof visit.id === 'number' ? visit.id : -1;
    const [store, byCid, bySid, ordersCid, ordersSid, attCid, attSid, rules, products, storeAudits, campaigns, plan] = await Promise.all([
      db.stores.get(sid),
      db.audits.where('visit_client_id').equals(clientId).toArray(),
      db.audits.where('visit_id').equals(serverId).toArray(),
      db.orders.where('visit_client_id').equals(clientId).toArray(),
      db.orders.where('visit_id').equals(serverId).toArray(),
      db.attachments.where('visit_client_id').equals(clientId).toArray(),
      db.attachments.where('visit_id').equals(serverId).toArray(),
      db.assortment_rules.toArray(),
      db.products.toArray(),
      db.audits.where('store_id').equals(sid).toArray(),
      db.campaigns.toArray(),
      db.plans.toCollection().first(),
    ]);
    const uniq = (rows: Rec[]) => [...new Map(rows.map((r) => [r.client_id ?? r.id, r])).values()];
    return { visit, store, audits: uniq([...bySid, ...byCid]), orders: uniq([...ordersSid, ...ordersCid]), attachments: uniq([...attSid, ...attCid]), rules, products, storeAudits, campaigns, plan };
  }, [clientId], null);

  if (!data) return <main class="page"><p class="muted">{t('common.loading')}</p></main>;
  if (!data.visit) return <main class="page"><p>{t('visit.notFound')}</p><a href="#/sync">{t('nav.sync')}</a></main>;
  const { visit, store } = data;
  const done = visit.status === 'done';
  const stop = (() => {
    const date = localDate(visit.checkin?.at ?? nowSec());
    for (const d of data.plan?.days ?? []) if (d.date === date) for (const s of d.stops ?? []) if (s.store_id === visit.store_id) return s;
    return null;
  })();
  const campaigns = campaignsOfWhy(stop?.why ?? '', data.campaigns);
  return (
    <main class="page visit" data-testid="visit" data-status={visit.status}>
      <h1>{store?.name ?? t('visit.title')}</h1>
      <p class="muted">
        {t('visit.checkedInAt', { at: formatDateTime(visit.checkin?.at ?? nowSec()) })}
        {visit.checkin?.reason ? ` · ${visit.checkin.reason}` : ''}
        {(visit._local || visit._pending) && <span class="pill pending_sync">{t('stop.pending_sync')}</span>}
      </p>
      {campaigns.map((c) => (
        <div class="card campaign"><b>{t('week.campaign', { name: c.name })}</b>
          <ul>{(c.visit_template?.actions ?? []).map((a: string) => <li>{a}</li>)}</ul></div>
      ))}
      {done ? <VisitSummary data={data} /> : (
        <>
          <AuditSection clientId={clientId} data={data} campaigns={campaigns} />
          <PhotoSection clientId={clientId} storeId={visit.store_id} attachments={data.attachments} />
          <OrderSection clientId={clientId} storeId={visit.store_id} products={data.products} orders={data.orders} />
          <CheckoutSection clientId={clientId} campaigns={campaigns} />
        </>
      )}
    </main>
  );
}

function VisitSummary({ data }: { data: any }) {
  return (
    <div class="card" data-testid="visit-done">
      <h2>{t('visit.doneTitle')}</h2>
      <p>{t('visit.summary', { audits: data.audits.length, photos: data.attachments.length, orders: data.orders.length })}</p>
      {data.visit.report && <p class="pre">{data.visit.report}</p>}
      {data.attachments.length > 0 && <div class="thumbs">{data.attachments.map((a: Rec) => <Thumb sha={a.sha256} />)}</div>}
      <a class="button primary" href="#/week">{t('nav.week')}</a>
    </div>
  );
}

interface AuditDraft { present: boolean; facings: number; price: string; oos: boolean; promo: boolean }

function AuditSection({ clientId, data, campaigns }: { clientId: string; data: any; campaigns: Rec[] }) {
  const products: Rec[] = data.products;
  const byId = new Map(products.map((p) => [p.id, p]));
  const last = latestAuditsByProduct(data.storeAudits.filter((a: Rec) => a.visit_client_id !== clientId && a.visit_id !== data.visit.id));
  const [extra, setExtra] = useState<number[]>([]);
  const [query, setQuery] = useState('');
  const expected = useMemo(() => {
    const ids = expectedProductIds(data.rules, data.store?.channel);
    for (const c of campaigns) for (const a of c.visit_template?.audits ?? []) {
      if (a.product_id) ids.push(a.product_id);
      if (a.range) for (const p of products) if (p.range === a.range) ids.push(p.id as number);
    }
    for (const a of data.audits) ids.push(a.product_id);
    return [...new Set([...ids, ...extra])].filter((id) => byId.has(id));
  }, [data, campaigns, extra]);
  const recorded = new Map<number, Rec>(data.audits.map((a: Rec) => [a.product_id, a]));
  const [drafts, setDrafts] = useState<Record<number, AuditDraft>>({});
  const draftOf = (pid: number): AuditDraft => drafts[pid] ?? (() => {
    const l = last.get(pid);
    return { present: l ? !!l.present : true, facings: l ? Math.max(l.facings ?? 0, l.present ? 1 : 0) : 1, price: l?.shelf_price_cents != null ? (l.shelf_price_cents / 100).toFixed(2) : '', oos: false, promo: false };
  })();
  const setDraft = (pid: number, d: Partial<AuditDraft>) => setDrafts({ ...drafts, [pid]: { ...draftOf(pid), ...d } });

  const save = async (pid: number) => {
    const d = draftOf(pid);
    const price = d.price.trim() === '' ? null : Math.round(Number(d.price.replace(',', '.')) * 100);
    const audit: Record<string, unknown> = {
      client_id: uuid(), visit_client_id: clientId, product_id: pid, present: d.present,
      facings: d.present ? Math.max(0, d.facings) : 0, out_of_stock: d.present ? d.oos : false, promo: d.present ? d.promo : false,
    };
    if (price !== null && Number.isFinite(price) && price >= 0 && d.present) audit.shelf_price_cents = price;
    await getEngine().enqueue('audit.create', audit);
  };
  const pending = expected.filter((p) => !recorded.has(p));
  const saveAll = async () => { for (const p of pending) await save(p); };
  const results = searchProducts(products, query, 8).filter((p) => !expected.includes(p.id as number));

  return (
    <section class="card">
      <h2>{t('visit.audit')} <small class="muted">{recorded.size}/{expected.length}</small></h2>
      {expected.length === 0 && <p class="muted">{t('visit.noExpected')}</p>}
      <ul class="audit-rows">
        {expected.map((pid) => {
          const p = byId.get(pid)!;
          const r = recorded.get(pid);
          if (r) {
            return (
              <li class="audit-row saved" data-testid="audit-row" data-product-id={pid} data-saved="1">
                <b>{p.name}</b>
                <span>{r.present ? `✓ ${t('audit.facingsN', { n: r.facings })}` : `✗ ${t('audit.absent')}`}
                  {r.shelf_price_cents != null ? ` · ${formatMoney(r.shelf_price_cents)}` : ''}{r.out_of_stock ? ` · ${t('audit.oos')}` : ''}{r.promo ? ` · ${t('audit.promo')}` : ''}</span>
              </li>
            );
          }
          const d = draftOf(pid);
          const l = last.get(pid);
          return (
            <li class="audit-row" data-testid="audit-row" data-product-id={pid} data-saved="0">
              <div><b>{p.name}</b> <small class="muted">{p.sku}{l ? ` · ${t('audit.last', { v: l.present ? (l.out_of_stock ? t('audit.oos') : t('audit.facingsN', { n: l.facings })) : t('audit.absent') })}` : ''}</small></div>
              <div class="audit-controls">
                <label class="check"><input type="checkbox" data-testid="audit-present" checked={d.present} onChange={() => setDraft(pid, { present: !d.present, facings: d.present ? 0 : Math.max(1, d.facings) })} />{t('audit.present')}</label>
                {d.present && (
                  <>
                    <span class="stepper">
                      <button aria-label="−" onClick={() => setDraft(pid, { facings: Math.max(0, d.facings - 1) })}>−</button>
                      <output data-testid="audit-facings">{d.facings}</output>
                      <button aria-label="+" onClick={() => setDraft(pid, { facings: d.facings + 1 })}>+</button>
                    </span>
                    <input class="price" inputMode="decimal" placeholder={t('audit.price')} data-testid="audit-price" value={d.price}
                      onInput={(e) => setDraft(pid, { price: (e.target as HTMLInputElement).value })} />
                    <label class="check"><input type="checkbox" data-testid="audit-oos" checked={d.oos} onChange={() => setDraft(pid, { oos: !d.oos })} />{t('audit.oos')}</label>
                    <label class="check"><input type="checkbox" data-testid="audit-promo" checked={d.promo} onChange={() => setDraft(pid, { promo: !d.promo })} />{t('audit.promo')}</label>
                  </>
                )}
                <button class="primary" data-testid="audit-save" onClick={() => save(pid)}>{t('common.save')}</button>
              </div>
            </li>
          );
        })}
      </ul>
      {pending.length > 1 && <button data-testid="audit-save-all" onClick={saveAll}>{t('visit.saveAll', { n: pending.length })}</button>}
      <details>
        <summary>{t('visit.addProduct')}</summary>
        <input type="search" placeholder={t('order.search')} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
        <ul class="list">{results.map((p) => <li><button onClick={() => { setExtra([...extra, p.id as number]); setQuery(''); }}>{p.name} <small>{p.sku}</small></button></li>)}</ul>
      </details>
    </section>
  );
}

function PhotoSection({ clientId, storeId, attachments }: { clientId: string; storeId: number; attachments: Rec[] }) {
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const onFiles = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const files = [...(input.files ?? [])];
    setBusy(true);
    setErr(null);
    try {
      for (const f of files) {
        const name = f.name || `photo-${Date.now()}.jpg`;
        const { sha256, size, content_type } = await storePhoto(db, f, name.replace(/\.[^.]+$/, '') + '.jpg');
        if (size > 10 * 1024 * 1024) { setErr(t('photo.tooBig')); continue; }
        await getEngine().enqueue('attachment.create', {
          client_id: uuid(), visit_client_id: clientId, store_id: storeId, sha256, content_type, size_bytes: size, filename: name,
        });
      }
    } catch (x) {
      setErr(String(x));
    } finally {
      setBusy(false);
      input.value = '';
    }
  };
  return (
    <section class="card">
      <h2>{t('photo.title')} <small class="muted">{attachments.length}</small></h2>
      <div class="thumbs">{attachments.map((a) => <Thumb sha={a.sha256} />)}</div>
      <label class="button big">
        📷 {busy ? t('photo.processing') : t('photo.take')}
        <input type="file" accept="image/*" capture="environment" multiple data-testid="photo-input" class="visually-hidden" onChange={onFiles} disabled={busy} />
      </label>
      {err && <p class="error">{err}</p>}
    </section>
  );
}

function Thumb({ sha }: { sha: string }) {
  const b = useLive(() => db.blobs.get(sha), [sha], undefined);
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (b?.blob) {
      const u = URL.createObjectURL(b.blob);
      setUrl(u);
      return () => URL.revokeObjectURL(u);
    }
    // Not on this device (taken on another, or kept past 14 days): the server's copy, fetched
    // with the token (an <img> cannot send it), when there is a network.
    const token = getSession()?.token;
    if (!token || !navigator.onLine) return;
    const ctl = new AbortController();
    let u: string | null = null;
    fetch(`/api/v1/blobs/${sha}`, { headers: { Authorization: `Bearer ${token}` }, signal: ctl.signal })
      .then((r) => (r.ok ? r.blob() : null))
      .then((blob) => { if (blob) { u = URL.createObjectURL(blob); setUrl(u); } })
      .catch(() => { /* offline or gone: the placeholder stays */ });
    return () => { ctl.abort(); if (u) URL.revokeObjectURL(u); };
  }, [sha, b?.sha256]);
  const pct = b ? Math.round((100 * (b.complete ? b.size : b.uploaded)) / Math.max(1, b.size)) : 100;
  return (
    <figure class="thumb" data-testid="photo-thumb">
      {url ? <img src={url} alt="" /> : <span class="ph">🖼</span>}
      <figcaption>{b && !b.complete ? `${pct} %` : '✓'}</figcaption>
    </figure>
  );
}

interface Line { product_id: number; quantity: number }

function OrderSection({ clientId, storeId, products, orders }: { clientId: string; storeId: number; products: Rec[]; orders: Rec[] }) {
  const [lines, setLines] = useDraft<Line[]>(`boucle.draft.order.${clientId}`, []);
  const [query, setQuery] = useState('');
  const byId = new Map(products.map((p) => [p.id, p]));
  const results = searchProducts(products, query, 12);
  const priced = lines.map((l) => ({ ...l, unit_price_cents: byId.get(l.product_id)?.price_cents ?? 0 }));
  const add = (p: Rec) => {
    const i = lines.findIndex((l) => l.product_id === p.id);
    if (i >= 0) setLines(lines.map((l, j) => (j === i ? { ...l, quantity: l.quantity + 1 } : l)));
    else setLines([...lines, { product_id: p.id as number, quantity: 1 }]);
    setQuery('');
  };
  const setQty = (pid: number, q: number) => setLines(lines.map((l) => (l.product_id === pid ? { ...l, quantity: Math.max(0, Math.round(q)) } : l)).filter((l) => l.quantity > 0));
  const send = async () => {
    const valid = lines.filter((l) => l.quantity > 0);
    if (!valid.length) return;
    await getEngine().enqueue('order.create', { client_id: uuid(), visit_client_id: clientId, store_id: storeId, lines: valid });
    setLines([]);
  };
  return (
    <section class="card">
      <h2>{t('order.title')}</h2>
      {orders.map((o) => (
        <p class="recorded" data-testid="order-recorded">✓ {t('order.recorded', { n: (o.lines ?? []).length, total: formatMoney(o.total_cents ?? 0) })}</p>
      ))}
      <input type="search" data-testid="order-search" placeholder={t('order.search')} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
      {results.length > 0 && (
        <ul class="list results">{results.map((p) => (
          <li><button data-testid="order-result" data-product-id={p.id} onClick={() => add(p)}>
            <span>{p.name} <small>{p.sku}{p.ean ? ` · ${p.ean}` : ''}</small></span><b>{formatMoney(p.price_cents ?? 0)}</b></button></li>))}</ul>
      )}
      {lines.length > 0 && (
        <>
          <ul class="list order-lines">{priced.map((l) => (
            <li data-testid="order-line" data-product-id={l.product_id}>
              <span class="grow">{byId.get(l.product_id)?.name}</span>
              <span class="stepper">
                <button onClick={() => setQty(l.product_id, l.quantity - 1)}>−</button>
                <input type="number" min="0" inputMode="numeric" value={l.quantity} data-testid="order-qty"
                  onChange={(e) => setQty(l.product_id, Number((e.target as HTMLInputElement).value))} />
                <button onClick={() => setQty(l.product_id, l.quantity + 1)}>+</button>
              </span>
              <b>{formatMoney(l.quantity * l.unit_price_cents)}</b>
            </li>))}</ul>
          <p class="total">{t('order.total')}: <b data-testid="order-total">{formatMoney(orderTotal(priced))}</b></p>
          <button class="primary big" data-testid="order-submit" onClick={send}>{t('order.send')}</button>
        </>
      )}
    </section>
  );
}

function CheckoutSection({ clientId, campaigns }: { clientId: string; campaigns: Rec[] }) {
  const [report, setReport] = useDraft(`boucle.draft.report.${clientId}`, '');
  const [next, setNext] = useDraft(`boucle.draft.next.${clientId}`, '');
  const [fields, setFields] = useDraft<Record<string, string>>(`boucle.draft.fields.${clientId}`, {});
  const [busy, setBusy] = useState(false);
  const tplFields: any[] = campaigns.flatMap((c) => c.visit_template?.fields ?? []);
  const checkout = async () => {
    setBusy(true);
    let fix: Fix | null = null;
    try { fix = await locate(3000); } catch { /* optional */ }
    const answers = tplFields.filter((f) => (fields[f.key] ?? '') !== '').map((f) => `${f.label}: ${fields[f.key]}`);
    const data: Record<string, unknown> = {
      visit_client_id: clientId, at: deviceTime(),
      report: [report.trim(), ...answers].filter(Boolean).join('\n'), next_steps: next.trim(),
    };
    if (fix) { data.lat = fix.lat; data.lon = fix.lon; }
    await getEngine().enqueue('visit.checkout', data);
    clearDrafts(clientId);
    void getEngine().sync();
    go('#/week');
  };
  return (
    <section class="card">
      <h2>{t('visit.report')}</h2>
      {tplFields.map((f) => (
        <label>{f.label}
          {f.type === 'boolean' ? (
            <select value={fields[f.key] ?? ''} onChange={(e) => setFields({ ...fields, [f.key]: (e.target as HTMLSelectElement).value })}>
              <option value="" /><option value={t('common.yes')}>{t('common.yes')}</option><option value={t('common.no')}>{t('common.no')}</option>
            </select>
          ) : f.type === 'choice' ? (
            <select value={fields[f.key] ?? ''} onChange={(e) => setFields({ ...fields, [f.key]: (e.target as HTMLSelectElement).value })}>
              <option value="" />{(f.choices ?? []).map((c: string) => <option value={c}>{c}</option>)}
            </select>
          ) : (
            <input type="text" inputMode={f.type === 'number' ? 'decimal' : 'text'} value={fields[f.key] ?? ''} onInput={(e) => setFields({ ...fields, [f.key]: (e.target as HTMLInputElement).value })} />
          )}
        </label>
      ))}
      <label>{t('visit.reportLabel')}
        <textarea rows={3} data-testid="visit-report" value={report} onInput={(e) => setReport((e.target as HTMLTextAreaElement).value)} /></label>
      <label>{t('visit.nextSteps')}
        <textarea rows={2} data-testid="visit-next" value={next} onInput={(e) => setNext((e.target as HTMLTextAreaElement).value)} /></label>
      <button class="primary big" data-testid="checkout" disabled={busy} onClick={checkout}>{t('visit.checkout')}</button>
    </section>
  );
}

// Store page: details, KPIs, conflicts, tasks, notes, last audits, orders, edit form.
import { useState } from 'preact/hooks';
import { ApiError, api } from '../api';
import { formatDate, formatDateTime, formatMoney, formatNumber, t } from '../i18n';
import type { Rec } from '../db';
import { db, getEngine, nowSec, useLive, useOnline } from '../state';
import { uuid } from '../sync/ids';
import { storeBundle } from './data';
import { expectedProductIds, latestAuditsByProduct, storeKpis, when } from './logic';

export function StorePage({ storeId }: { storeId: number }) {
  const b = useLive(() => storeBundle(storeId), [storeId], null);
  const products = useLive(() => db.products.toArray(), [], []);
  if (!b) return <main class="page"><p class="muted">{t('common.loading')}</p></main>;
  const s = b.store;
  if (!s) return <main class="page"><p>{t('store.unknown')}</p><a href="#/stores">{t('nav.stores')}</a></main>;
  const productName = new Map(products.map((p) => [p.id, p.name as string]));
  const expected = expectedProductIds(b.rules, s.channel);
  const kpi = storeKpis(b.visits, b.audits, expected, nowSec());
  const inProgress = b.visits.find((v) => v.status === 'in_progress');
  const latest = [...latestAuditsByProduct(b.audits).values()].sort((a, b2) => String(productName.get(a.product_id) ?? '').localeCompare(String(productName.get(b2.product_id) ?? '')));
  const openConflicts = b.conflicts.filter((c) => (c.status ?? 'open') === 'open');
  const visits = [...b.visits].filter((v) => v.status !== 'planned' && v.status !== 'cancelled').sort((x, y) => when(y) - when(x));
  const orders = [...b.orders].sort((x, y) => Date.parse(y.created_at ?? '') - Date.parse(x.created_at ?? ''));

  return (
    <main class="page store">
      <h1>{s.name} {s._pending && <span class="pill pending_sync">{t('stop.pending_sync')}</span>}</h1>
      <p class="muted">{[s.banner, t(`channel.${s.channel}`), s.code].filter(Boolean).join(' · ')}</p>
      <p>{s.address}<br />{s.postcode} {s.city}</p>
      <div class="row">
        {inProgress?.client_id
          ? <a class="button primary big" href={`#/visit/${inProgress.client_id}`} data-testid="visit-resume">{t('visit.resume')}</a>
          : <a class="button primary big" href={`#/visit/new/${s.id}`} data-testid="visit-start">{t('visit.start')}</a>}
      </div>

      {openConflicts.length > 0 && (
        <section class="card conflicts" data-testid="conflicts">
          <h2>⚠ {t('conflict.title', { n: openConflicts.length })}</h2>
          {openConflicts.map((c) => <ConflictRow c={c} />)}
        </section>
      )}

      <section class="kpis">
        <div class="kpi"><b>{kpi.daysSinceLastVisit ?? '–'}</b><small>{t('kpi.daysSince')}</small></div>
        <div class="kpi"><b>{kpi.visits90}</b><small>{t('kpi.visits90')}</small></div>
        <div class="kpi"><b>{kpi.dnPercent === null ? '–' : `${kpi.dnPercent} %`}</b><small>{t('kpi.dn', { present: kpi.present, n: kpi.expected })}</small></div>
        <div class="kpi"><b>{s.size_sqm ? formatNumber(s.size_sqm) : '–'}</b><small>{t('kpi.size')}</small></div>
      </section>

      <Tasks storeId={s.id as number} tasks={b.tasks} />
      <Notes storeId={s.id as number} notes={b.notes} />

      <section class="card">
        <h2>{t('store.audits')}</h2>
        {latest.length === 0 ? <p class="muted">{t('store.noAudits')}</p> : (
          <div class="table-wrap"><table class="audits">
            <thead><tr><th>{t('audit.product')}</th><th>{t('audit.present')}</th><th>{t('audit.facings')}</th><th>{t('audit.price')}</th><th>{t('audit.oos')}</th><th>{t('audit.promo')}</th><th>{t('common.date')}</th></tr></thead>
            <tbody>{latest.map((a) => (
              <tr class={!a.present || a.out_of_stock ? 'bad' : ''}>
                <td>{productName.get(a.product_id) ?? `#${a.product_id}`}</td>
                <td>{a.present ? '✓' : '✗'}</td><td>{a.facings}</td>
                <td>{a.shelf_price_cents != null ? formatMoney(a.shelf_price_cents) : '–'}</td>
                <td>{a.out_of_stock ? '✗' : ''}</td><td>{a.promo ? '★' : ''}</td>
                <td>{a.created_at ? formatDate(a.created_at, { day: 'numeric', month: 'short' }) : ''}</td>
              </tr>))}</tbody>
          </table></div>
        )}
      </section>

      <section class="card">
        <h2>{t('store.orders')}</h2>
        {orders.length === 0 ? <p class="muted">{t('store.noOrders')}</p> : (
          <ul class="list">{orders.slice(0, 5).map((o) => (
            <li><span>{o.created_at ? formatDate(o.created_at) : ''} · {t('order.lines', { n: (o.lines ?? []).length })}</span>
              <b>{formatMoney(o.total_cents ?? 0)}</b>{o._local && <span class="pill pending_sync">{t('stop.pending_sync')}</span>}</li>))}</ul>
        )}
      </section>

      <section class="card">
        <h2>{t('store.visits')}</h2>
        {visits.length === 0 ? <p class="muted">{t('store.noVisits')}</p> : (
          <ul class="list">{visits.slice(0, 6).map((v) => (
            <li><span>{formatDateTime(when(v))} · {t(`visitType.${v.type}`)} · {t(`visitStatus.${v.status}`)}</span>
              {v.report && <small>{v.report}</small>}</li>))}</ul>
        )}
      </section>

      <EditStore store={s} />
    </main>
  );
}

function ConflictRow({ c }: { c: Rec }) {
  const online = useOnline();
  const [busy, setBusy] = useState(false);
  const [err, setErr] = useState<string | null>(null);
  const show = (v: unknown) => (v === null || v === undefined ? '∅' : Array.isArray(v) ? v.join(', ') : String(v));
  const resolve = async (keep: 'client' | 'server') => {
    setBusy(true);
    setErr(null);
    try {
      await api('POST', `/api/v1/conflicts/${c.id}/resolve`, { keep });
      await db.conflicts.update(c.id, { status: 'resolved' });
      void getEngine().sync();
    } catch (e) {
      setErr(e instanceof ApiError ? e.message : t('common.offline'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="conflict" data-testid="conflict" data-conflict-id={c.id}>
      <p><b>{t(`field.${c.field}`)}</b></p>
      <p>{t('conflict.base')}: {show(c.base ?? c.base_value)}<br />
        {t('conflict.mine')}: <b>{show(c.client_value ?? c.mine)}</b><br />
        {t('conflict.theirs')}: <b>{show(c.server_value ?? c.theirs)}</b></p>
      <div class="row">
        <button class="primary" data-testid="conflict-keep-client" disabled={!online || busy} onClick={() => resolve('client')}>{t('conflict.keepMine')}</button>
        <button data-testid="conflict-keep-server" disabled={!online || busy} onClick={() => resolve('server')}>{t('conflict.keepTheirs')}</button>
      </div>
      {!online && <p class="muted">{t('conflict.offline')}</p>}
      {err && <p class="error">{err}</p>}
    </div>
  );
}

function Tasks({ storeId, tasks }: { storeId: number; tasks: Rec[] }) {
  const [title, setTitle] = useState('');
  const [due, setDue] = useState('');
  const open = tasks.filter((x) => !x.done);
  const done = tasks.filter((x) => x.done).slice(0, 5);
  const add = async (e: Event) => {
    e.preventDefault();
    if (!title.trim()) return;
    const data: any = { client_id: uuid(), store_id: storeId, title: title.trim(), done: false };
    if (due) data.due_date = due;
    await getEngine().enqueue('task.put', data);
    setTitle('');
    setDue('');
  };
  const toggle = async (x: Rec) => {
    if (!x.client_id) return;
    const data: any = { client_id: x.client_id, store_id: storeId, title: x.title, done: !x.done };
    if (x.due_date) data.due_date = x.due_date;
    await getEngine().enqueue('task.put', data);
  };
  return (
    <section class="card">
      <h2>{t('task.title')}</h2>
      <ul class="list tasks">
        {[...open, ...done].map((x) => (
          <li class={x.done ? 'done' : ''}>
            <label class="check"><input type="checkbox" checked={!!x.done} disabled={!x.client_id} data-testid="task-toggle" onChange={() => toggle(x)} />
              <span>{x.title}{x.due_date && <small> · {formatDate(x.due_date + 'T12:00:00')}</small>}</span></label>
            {(x._local || x._pending) && <span class="pill pending_sync">{t('stop.pending_sync')}</span>}
          </li>
        ))}
        {tasks.length === 0 && <li class="muted">{t('task.none')}</li>}
      </ul>
      <form class="row" onSubmit={add}>
        <input class="grow" data-testid="task-new" placeholder={t('task.new')} value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        <input type="date" value={due} aria-label={t('task.due')} onInput={(e) => setDue((e.target as HTMLInputElement).value)} />
        <button type="submit">{t('common.add')}</button>
      </form>
    </section>
  );
}

function Notes({ storeId, notes }: { storeId: number; notes: Rec[] }) {
  const [text, setText] = useState('');
  const sorted = [...notes].sort((a, b) => Date.parse(b.updated_at ?? '') - Date.parse(a.updated_at ?? ''));
  const add = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    await getEngine().enqueue('note.put', { client_id: uuid(), store_id: storeId, text: text.trim() });
    setText('');
  };
  return (
    <section class="card">
      <h2>{t('note.title')}</h2>
      <ul class="list">
        {sorted.slice(0, 10).map((n) => (
          <li><span class="pre">{n.text}</span><small>{n.updated_at ? formatDateTime(n.updated_at) : ''}</small>
            {(n._local || n._pending) && <span class="pill pending_sync">{t('stop.pending_sync')}</span>}</li>
        ))}
        {notes.length === 0 && <li class="muted">{t('note.none')}</li>}
      </ul>
      <form onSubmit={add}>
        <textarea data-testid="note-new" rows={2} placeholder={t('note.new')} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
        <button type="submit">{t('common.add')}</button>
      </form>
    </section>
  );
}

const EDITABLE = ['name', 'address', 'postcode', 'city', 'tags', 'size_sqm'] as const;

function EditStore({ store }: { store: Rec }) {
  const [open, setOpen] = useState(false);
  const [form, setForm] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const start = () => {
    setForm({
      name: store.name ?? '', address: store.address ?? '', postcode: store.postcode ?? '', city: store.city ?? '',
      tags: (store.tags ?? []).join(', '), size_sqm: store.size_sqm ? String(store.size_sqm) : '',
    });
    setSaved(false);
    setOpen(true);
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const base: Record<string, unknown> = {};
    const changes: Record<string, unknown> = {};
    for (const f of EDITABLE) {
      let v: unknown = form[f].trim();
      if (f === 'tags') v = (v as string).split(',').map((x) => x.trim()).filter(Boolean);
      if (f === 'size_sqm') v = v === '' ? 0 : Number(v);
      if (JSON.stringify(v) !== JSON.stringify(store[f] ?? (f === 'tags' ? [] : f === 'size_sqm' ? 0 : ''))) {
        base[f] = store[f];
        changes[f] = v;
      }
    }
    if (Object.keys(changes).length) await getEngine().enqueue('store.update', { store_id: store.id, base, changes });
    setOpen(false);
    setSaved(true);
  };
  const field = (f: string, type: 'text' | 'number' = 'text') => (
    <label>{t(`field.${f}`)}
      <input type="text" inputMode={type === 'number' ? 'numeric' : 'text'} data-testid={`edit-${f}`} value={form[f]} onInput={(e) => setForm({ ...form, [f]: (e.target as HTMLInputElement).value })} />
    </label>
  );
  return (
    <section class="card">
      <h2>{t('store.edit')}</h2>
      {!open && <button data-testid="edit-store" onClick={start}>{t('store.editOpen')}</button>}
      {saved && !open && <p class="muted">{t('store.editSaved')}</p>}
      {open && (
        <form onSubmit={save} class="form">
          {field('name')}{field('address')}{field('postcode')}{field('city')}{field('tags')}{field('size_sqm', 'number')}
          <div class="row">
            <button class="primary" type="submit" data-testid="edit-save">{t('common.save')}</button>
            <button type="button" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}

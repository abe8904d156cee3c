// What a mutation does to the local copy before the server has seen it, and how to undo it
// when the server rejects it. Must run inside a Dexie transaction over the record tables.
import { type BoucleDb, type Rec, localKey } from '../db';

/** Device times travel as RFC 3339 strings (the server refuses numbers); accept both here. */
const iso = (at: number | string | undefined) =>
  typeof at === 'string' ? at : new Date((at ?? Date.now() / 1000) * 1000).toISOString();

/** A device time for mutation data: RFC 3339, UTC, whole seconds. */
export function deviceTime(unixSeconds: number = Date.now() / 1000): string {
  return new Date(Math.floor(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export const CREATE_KINDS = new Set(['visit.checkin', 'audit.create', 'order.create', 'attachment.create']);

async function byClientId(db: BoucleDb, table: string, clientId: string): Promise<Rec[]> {
  return db.table_(table).where('client_id').equals(clientId).toArray();
}

async function serverHas(db: BoucleDb, table: string, clientId: string): Promise<boolean> {
  const rows = await byClientId(db, table, clientId);
  return rows.some((r) => !r._local);
}

/** The visit (server or local) with this client id: server version preferred. */
export async function visitByClientId(db: BoucleDb, clientId: string): Promise<Rec | undefined> {
  const rows = await byClientId(db, 'visits', clientId);
  return rows.find((r) => !r._local) ?? rows[0];
}

export async function applyOptimistic(db: BoucleDb, n: number, kind: string, data: any): Promise<void> {
  const now = new Date().toISOString();
  switch (kind) {
    case 'visit.checkin': {
      if (await serverHas(db, 'visits', data.client_id)) return;
      await db.visits.put({
        id: localKey(data.client_id), _local: true, _n: n,
        client_id: data.client_id, store_id: data.store_id, type: data.type ?? 'quick',
        status: 'in_progress', planned_visit_id: data.visit_id ?? null,
        checkin: { at: iso(data.at), lat: data.lat ?? null, lon: data.lon ?? null, reason: data.reason ?? '', far: data.lat == null },
        checkout: null, report: '', next_steps: '', created_at: now, updated_at: now,
      });
      return;
    }
    case 'visit.checkout': {
      const v = await visitByClientId(db, data.visit_client_id);
      if (!v || v.status === 'done') return;
      await db.visits.put({
        ...v, status: 'done', _pending: !v._local || v._pending, _n: n,
        checkout: { at: iso(data.at), lat: data.lat ?? null, lon: data.lon ?? null },
        report: data.report ?? '', next_steps: data.next_steps ?? '',
      });
      return;
    }
    case 'audit.create': {
      if (await serverHas(db, 'audits', data.client_id)) return;
      const v = await visitByClientId(db, data.visit_client_id);
      await db.audits.put({
        ...data, id: localKey(data.client_id), _local: true, _n: n,
        store_id: v?.store_id, visit_id: v && !v._local ? v.id : null,
        created_at: now, updated_at: now,
      });
      return;
    }
    case 'order.create': {
      if (await serverHas(db, 'orders', data.client_id)) return;
      let total = 0;
      const lines = [] as any[];
      for (const l of data.lines ?? []) {
        const p = await db.products.get(l.product_id);
        const unit = l.unit_price_cents ?? p?.price_cents ?? 0;
        total += unit * l.quantity;
        lines.push({ ...l, unit_price_cents: unit });
      }
      await db.orders.put({
        ...data, lines, total_cents: total, status: 'submitted',
        id: localKey(data.client_id), _local: true, _n: n, created_at: now, updated_at: now,
      });
      return;
    }
    case 'attachment.create': {
      if (await serverHas(db, 'attachments', data.client_id)) return;
      await db.attachments.put({
        ...data, id: localKey(data.client_id), _local: true, _n: n, created_at: now, updated_at: now,
      });
      return;
    }
    case 'store.update': {
      const s = await db.stores.get(data.store_id);
      if (!s) return;
      await db.stores.put({ ...s, ...data.changes, _pending: true, _n: n });
      return;
    }
    case 'note.put':
    case 'task.put': {
      const table = kind === 'note.put' ? 'notes' : 'tasks';
      const rows = await byClientId(db, table, data.client_id);
      const existing = rows.find((r) => !r._local) ?? rows[0];
      if (existing) {
        await db.table_(table).put({ ...existing, ...data, _pending: true, _n: n, updated_at: now });
      } else {
        await db.table_(table).put({
          ...data, id: localKey(data.client_id), _local: true, _n: n, created_at: now, updated_at: now,
        });
      }
      return;
    }
    case 'note.delete':
    case 'task.delete': {
      const table = kind === 'note.delete' ? 'notes' : 'tasks';
      const rows = await byClientId(db, table, data.client_id);
      await db.table_(table).bulkDelete(rows.map((r) => r.id));
      return;
    }
    default:
      return;
  }
}

const CREATE_TABLE: Record<string, string> = {
  'visit.checkin': 'visits', 'audit.create': 'audits', 'order.create': 'orders',
  'attachment.create': 'attachments', 'note.put': 'notes', 'task.put': 'tasks',
};

/** Undo what applyOptimistic did for a mutation the server rejected. */
export async function revertOptimistic(db: BoucleDb, kind: string, data: any): Promise<void> {
  const table = CREATE_TABLE[kind];
  if (table && data?.client_id) {
    await db.table_(table).delete(localKey(data.client_id));
    const rows = await byClientId(db, table, data.client_id);
    for (const r of rows) if (r._pending) await db.table_(table).put({ ...r, _pending: false });
    return;
  }
  if (kind === 'store.update') {
    const s = await db.stores.get(data.store_id);
    if (!s) return;
    const back: Record<string, unknown> = {};
    for (const [f, v] of Object.entries(data.changes ?? {})) {
      if (JSON.stringify(s[f]) === JSON.stringify(v) && data.base && f in data.base) back[f] = data.base[f];
    }
    await db.stores.put({ ...s, ...back, _pending: false });
  }
  if (kind === 'visit.checkout') {
    const v = await visitByClientId(db, data.visit_client_id);
    if (v && !v._local) await db.visits.put({ ...v, _pending: false });
  }
}

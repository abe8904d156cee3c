// Local queries shared by the rep pages (server and optimistic records merged).
import type { Rec } from '../db';
import { db } from '../state';
import { localDate, when } from './logic';

export async function storeBundle(storeId: number) {
  const store = await db.stores.get(storeId);
  const [visits, audits, orders, notes, tasks, conflicts, attachments] = await Promise.all([
    db.visits.where('store_id').equals(storeId).toArray(),
    db.audits.where('store_id').equals(storeId).toArray(),
    db.orders.where('store_id').equals(storeId).toArray(),
    db.notes.where('store_id').equals(storeId).toArray(),
    db.tasks.where('store_id').equals(storeId).toArray(),
    db.conflicts.where('store_id').equals(storeId).toArray(),
    db.attachments.where('store_id').equals(storeId).toArray(),
  ]);
  const rules = store ? await db.assortment_rules.where('channel').equals(store.channel).toArray() : [];
  return { store, visits, audits, orders, notes, tasks, conflicts, attachments, rules };
}

export type StopState = 'done' | 'in_progress' | 'pending_sync' | 'planned';

/** The state of a plan stop from the visits known locally. */
export function stopState(stop: { store_id: number; visit_id?: number | null; done?: boolean }, date: string, visits: Rec[]): { state: StopState; visit?: Rec } {
  const mine = visits.filter((v) => v.store_id === stop.store_id && v.status !== 'cancelled' && v.status !== 'planned' &&
    (v.id === stop.visit_id || v.planned_visit_id === stop.visit_id || localDate(when(v)) === date));
  const v = mine.find((x) => x.status === 'done') ?? mine.find((x) => x.status === 'in_progress');
  if (v && (v._local || v._pending)) return { state: v.status === 'done' ? 'pending_sync' : 'in_progress', visit: v };
  if (v) return { state: v.status === 'done' ? 'done' : 'in_progress', visit: v };
  if (stop.done) return { state: 'done' };
  return { state: 'planned' };
}

export function byId<T extends Rec>(rows: T[]): Map<any, T> {
  return new Map(rows.map((r) => [r.id, r]));
}

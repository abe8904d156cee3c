// Records the manager views share, with small caches (users and stores change rarely; the
// caches are dropped when the shell says data changed).
import { api } from '../api';
import { fetchAll } from './util';

export type User = {
  id: number;
  email: string;
  name: string;
  role: string;
  home: { lat: number; lon: number } | null;
  active: boolean;
};

export type Store = {
  id: number;
  code: string;
  name: string;
  banner: string;
  channel: string;
  city: string;
  lat: number;
  lon: number;
  potential: number;
  assigned_rep_id: number | null;
  visit_frequency_days: number;
};

export type Visit = {
  id: number;
  seq: number;
  store_id: number;
  rep_id: number;
  type: string;
  status: string;
  planned_at: string | null;
  checkin: { at: string; far: boolean; distance_m: number | null } | null;
  checkout: { at: string } | null;
  updated_at: string;
};

export type Kpi = {
  kpi: string;
  value: number | null;
  unit: string;
  numerator: number;
  denominator: number;
  numerator_unit: string;
  denominator_unit: string;
};

export type KpiAnswer = {
  universe: { spec: string; stores: number; reps: number };
  from: string;
  to: string;
  range: string | null;
  as_of: string;
  kpis: Kpi[];
};

export type Segment = {
  id: number;
  version: number;
  name: string;
  description: string;
  expression: string;
  dynamic: boolean;
  member_count: number;
  refreshed_at: string | null;
};

export type StoreBrief = {
  id: number;
  code: string;
  name: string;
  channel: string;
  banner: string;
  town: string;
  lat: number;
  lon: number;
  potential: number;
  rep_id: number | null;
};

export const KPI_NAMES = [
  'dn',
  'dv',
  'coverage',
  'strike_rate',
  'blank_visit_rate',
  'oos_rate',
  'share_of_shelf',
  'time_in_store_share',
  'plan_adherence',
] as const;

let usersP: Promise<User[]> | null = null;
let storesP: Promise<Store[]> | null = null;
let segmentsP: Promise<Segment[]> | null = null;

export function loadUsers(force = false): Promise<User[]> {
  if (!usersP || force) {
    usersP = fetchAll<User>('/api/v1/users');
    usersP.catch(() => (usersP = null));
  }
  return usersP;
}

export async function loadReps(force = false): Promise<User[]> {
  const users = await loadUsers(force);
  return users.filter((u) => u.role === 'rep').sort((a, b) => (a.name || a.email).localeCompare(b.name || b.email));
}

export function loadStores(force = false): Promise<Store[]> {
  if (!storesP || force) {
    storesP = fetchAll<Store>('/api/v1/stores');
    storesP.catch(() => (storesP = null));
  }
  return storesP;
}

export function loadSegments(force = false): Promise<Segment[]> {
  if (!segmentsP || force) {
    segmentsP = fetchAll<Segment>('/api/v1/segments');
    segmentsP.catch(() => (segmentsP = null));
  }
  return segmentsP;
}

export function forgetCaches() {
  usersP = null;
  storesP = null;
  segmentsP = null;
}

export function storeIndex(stores: Store[]): Map<number, Store> {
  return new Map(stores.map((s) => [s.id, s]));
}

export function repName(u: User | undefined, id?: number | null): string {
  if (u) return u.name || u.email;
  return id ? `#${id}` : '—';
}

type Change = { seq: number; kind: string; id: number; deleted: boolean; data?: unknown };
type ChangesPage = { items: Change[]; next_since: number; has_more: boolean; last_seq: number };

/**
 * The most recently changed visits, newest first. GET /api/v1/visits lists by id only, so the
 * change feed (ordered by sequence) is read backwards from its end: a visit a rep just synced
 * is the newest change even when its id is old (a planned visit checked in).
 */
export async function latestVisits(n: number, signal?: AbortSignal): Promise<Visit[]> {
  const head = await api<ChangesPage>('GET', '/api/v1/changes?limit=1', undefined, { signal });
  const last = head.last_seq;
  const found = new Map<number, Visit>();
  let window = 800;
  for (let round = 0; round < 2; round++) {
    let since = Math.max(0, last - window);
    for (let guard = 0; guard < 10; guard++) {
      const page = await api<ChangesPage>('GET', `/api/v1/changes?since=${since}&limit=2000`, undefined, {
        signal,
      });
      for (const c of page.items) {
        if (c.kind === 'visit' && !c.deleted && c.data) found.set(c.id, c.data as Visit);
      }
      if (!page.has_more || page.next_since <= since) break;
      since = page.next_since;
    }
    if (found.size >= n || last - window <= 0) break;
    window *= 8;
  }
  return [...found.values()].sort((a, b) => b.seq - a.seq).slice(0, n);
}

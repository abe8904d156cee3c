// The local copy (IndexedDB through Dexie). Server records are keyed by their server `id`;
// records created on this device and not yet seen back from the server are kept in the same
// tables under the key `local:<client_id>` with `_local: true`, so lists show them merged. The
// pull replaces them when the server's record with the same client_id arrives.
import Dexie, { type Table } from 'dexie';

export type Key = number | string;

export interface Rec {
  id: Key;
  client_id?: string | null;
  store_id?: number;
  _local?: boolean;     // an optimistic record created on this device
  _pending?: boolean;   // a server record with local changes not yet acknowledged
  _n?: number;          // the mutation that produced the optimistic state
  [field: string]: any;
}

export interface Mutation {
  n: number;
  kind: string;
  data: any;
  created_at: number;   // unix seconds, device clock (display only)
  status: 'pending';
}

export interface Rejected {
  n: number;
  kind: string;
  data: any;
  problem: any;
  created_at: number;
  rejected_at: number;
}

export interface BlobRec {
  sha256: string;
  blob: Blob;
  content_type: string;
  size: number;
  filename: string;
  uploaded: number;     // bytes the server has acknowledged
  complete: boolean;
  created_at: number;
  error?: string;
}

export interface MetaRec {
  key: string;
  value: any;
}

export interface PlanRec {
  id: number;
  rep_id: number;
  fetched_at: number;
  [field: string]: any;
}

/** Tables the pull fills, by the feed's record kind. */
export const KIND_TABLES: Record<string, string> = {
  user: 'users',
  store: 'stores',
  product: 'products',
  assortment_rule: 'assortment_rules',
  visit: 'visits',
  audit: 'audits',
  order: 'orders',
  attachment: 'attachments',
  sales: 'sales',
  segment: 'segments',
  campaign: 'campaigns',
  note: 'notes',
  task: 'tasks',
  conflict: 'conflicts',
};
export const SYNCED_TABLES = Object.values(KIND_TABLES);

export class BoucleDb extends Dexie {
  stores!: Table<Rec, Key>;
  products!: Table<Rec, Key>;
  assortment_rules!: Table<Rec, Key>;
  visits!: Table<Rec, Key>;
  audits!: Table<Rec, Key>;
  orders!: Table<Rec, Key>;
  attachments!: Table<Rec, Key>;
  notes!: Table<Rec, Key>;
  tasks!: Table<Rec, Key>;
  conflicts!: Table<Rec, Key>;
  sales!: Table<Rec, Key>;
  segments!: Table<Rec, Key>;
  campaigns!: Table<Rec, Key>;
  users!: Table<Rec, Key>;
  plans!: Table<PlanRec, number>;
  meta!: Table<MetaRec, string>;
  outbox!: Table<Mutation, number>;
  rejected!: Table<Rejected, number>;
  blobs!: Table<BlobRec, string>;

  constructor(name = 'boucle') {
    super(name);
    this.version(1).stores({
      stores: 'id, assigned_rep_id, channel',
      products: 'id, sku, ean',
      assortment_rules: 'id, channel, product_id',
      visits: 'id, client_id, store_id, status',
      audits: 'id, client_id, store_id, visit_id, visit_client_id, product_id',
      orders: 'id, client_id, store_id, visit_id, visit_client_id',
      attachments: 'id, client_id, store_id, visit_id, visit_client_id, sha256',
      notes: 'id, client_id, store_id',
      tasks: 'id, client_id, store_id',
      conflicts: 'id, store_id, status',
      sales: 'id, store_id, product_id',
      segments: 'id',
      campaigns: 'id',
      users: 'id',
      plans: 'id, rep_id',
      meta: 'key',
      outbox: 'n',
      rejected: 'n',
      blobs: 'sha256, complete',
    });
  }

  table_(name: string): Table<Rec, Key> {
    return this.table(name) as Table<Rec, Key>;
  }

  async getMeta<T>(key: string, fallback: T): Promise<T> {
    const r = await this.meta.get(key);
    return r === undefined ? fallback : (r.value as T);
  }

  setMeta(key: string, value: unknown): Promise<string> {
    return this.meta.put({ key, value });
  }
}

export const localKey = (clientId: string) => `local:${clientId}`;

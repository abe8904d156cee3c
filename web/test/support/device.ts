// A simulated phone: the real SyncEngine on its own Dexie database (fake-indexeddb in Node),
// a clock that may be skewed, and helpers that record mutations the way the rep app does
// (visit flow, photos, notes, tasks, store corrections), remembering every client id made.
import { BoucleDb, KIND_TABLES, type Rec } from '../../src/db';
import { SyncEngine, type SyncReport } from '../../src/sync/engine';
import { sha256Hex } from '../../src/sync/ids';
import { rng } from './world';

let dbSerial = 0;

/** A device time as mutation data carries it: RFC 3339, UTC, whole seconds. */
export function iso(unixSeconds: number): string {
  return new Date(Math.floor(unixSeconds) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface Made {
  kind: 'visit' | 'audit' | 'order' | 'attachment' | 'note' | 'task';
  client_id: string;
  store_id: number;
  device: string;
  realAt?: number;       // real unix time when the visit was checked in (for the skew check)
  deviceAt?: number;     // the time the device reported
  visit_client_id?: string;
  extra?: Record<string, unknown>;
}

export interface DeviceOptions {
  name: string;
  userId: number;
  token: () => string;
  fetch: typeof fetch;
  baseUrl: string;
  seed: number;
  skewSeconds?: number;
  batchSize?: number;
}

/** A deterministic UUID v4 from a seeded PRNG (reproducible runs). */
export function seededUuid(r: () => number): string {
  const b = Array.from({ length: 16 }, () => Math.floor(r() * 256));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A small JPEG-looking blob of `size` deterministic bytes (SOI … EOI markers). */
export function fakeJpeg(r: () => number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = Math.floor(r() * 256);
  bytes[0] = 0xff; bytes[1] = 0xd8; bytes[2] = 0xff; bytes[3] = 0xe0;
  bytes[size - 2] = 0xff; bytes[size - 1] = 0xd9;
  return bytes;
}

export class Device {
  readonly name: string;
  readonly db: BoucleDb;
  readonly engine: SyncEngine;
  readonly userId: number;
  readonly skew: number;
  readonly r: () => number;
  made: Made[] = [];
  reports: SyncReport[] = [];
  private notes = new Map<number, string>(); // store → note client id (note.put overwrites)

  constructor(o: DeviceOptions) {
    this.name = o.name;
    this.userId = o.userId;
    this.skew = o.skewSeconds ?? 0;
    this.r = rng(o.seed);
    this.db = new BoucleDb(`fault-${o.name}-${process.pid}-${++dbSerial}`);
    this.engine = new SyncEngine({
      db: this.db, baseUrl: o.baseUrl, token: o.token, fetch: o.fetch, userId: () => o.userId,
      now: () => this.now(), random: rng(o.seed + 1), requestTimeoutMs: 20000, batchSize: o.batchSize,
    });
  }

  now(): number {
    return Math.floor(Date.now() / 1000) + this.skew;
  }

  uuid(): string {
    return seededUuid(this.r);
  }

  pick<T>(xs: T[]): T {
    return xs[Math.floor(this.r() * xs.length)];
  }

  async sync(): Promise<SyncReport> {
    const rep = await this.engine.sync();
    this.reports.push(rep);
    return rep;
  }

  /** Sync until a run is clean: everything pushed and uploaded, nothing to retry. */
  async drain(max = 40): Promise<SyncReport> {
    let last: SyncReport | null = null;
    for (let i = 0; i < max; i++) {
      last = await this.sync();
      const pending = await this.engine.pending();
      const blobs = await this.db.blobs.filter((b) => !b.complete && !b.error).count();
      if (last.ok && pending === 0 && blobs === 0) return last;
      await new Promise((res) => setTimeout(res, 50 + i * 20));
    }
    throw new Error(`${this.name}: not drained after ${max} syncs: ${JSON.stringify(last)}; pending ${await this.engine.pending()}`);
  }

  async storeIds(): Promise<number[]> {
    return (await this.db.stores.toArray()).map((s) => s.id as number);
  }

  async addPhoto(bytes: Uint8Array, name: string): Promise<{ sha256: string; size: number }> {
    const sha256 = await sha256Hex(bytes);
    if (!(await this.db.blobs.get(sha256))) {
      await this.db.blobs.put({
        sha256, blob: new Blob([bytes as BlobPart], { type: 'image/jpeg' }), content_type: 'image/jpeg', size: bytes.length,
        filename: name, uploaded: 0, complete: false, created_at: this.now(),
      });
    }
    return { sha256, size: bytes.length };
  }

  /** A whole visit as the visit screen records it. Returns the visit client id. */
  async visit(storeId: number, products: number[], o: { photos?: Uint8Array[]; at?: number; order?: boolean; audits?: number } = {}): Promise<string> {
    const v = this.uuid();
    // The visit started 40–60 minutes ago (by this device's clock) and lasted 10–30 minutes.
    const ago = o.at === undefined ? (40 + Math.floor(this.r() * 20)) * 60 : this.now() - o.at;
    const at = this.now() - ago;
    const realAt = Math.floor(Date.now() / 1000) - ago;
    await this.engine.enqueue('visit.checkin', { client_id: v, store_id: storeId, type: this.r() < 0.5 ? 'quick' : 'deep', at: iso(at), lat: 45.76, lon: 4.83, reason: 'test' });
    this.made.push({ kind: 'visit', client_id: v, store_id: storeId, device: this.name, realAt, deviceAt: at });
    const nAudits = o.audits ?? 2;
    const audited = new Set<number>();
    for (let i = 0; i < nAudits; i++) {
      const p = this.pick(products);
      if (audited.has(p)) continue;
      audited.add(p);
      const a = this.uuid();
      const present = this.r() < 0.8;
      await this.engine.enqueue('audit.create', {
        client_id: a, visit_client_id: v, product_id: p, present, facings: present ? 1 + Math.floor(this.r() * 6) : 0,
        shelf_price_cents: 150 + Math.floor(this.r() * 300), out_of_stock: !present, promo: this.r() < 0.2,
      });
      this.made.push({ kind: 'audit', client_id: a, store_id: storeId, device: this.name, visit_client_id: v });
    }
    let k = 0;
    for (const bytes of o.photos ?? []) {
      const { sha256, size } = await this.addPhoto(bytes, `shelf-${++k}.jpg`);
      const c = this.uuid();
      await this.engine.enqueue('attachment.create', {
        client_id: c, visit_client_id: v, store_id: storeId, sha256, content_type: 'image/jpeg', size_bytes: size, filename: `shelf-${k}.jpg`,
      });
      this.made.push({ kind: 'attachment', client_id: c, store_id: storeId, device: this.name, visit_client_id: v, extra: { sha256 } });
    }
    if (o.order ?? this.r() < 0.6) {
      const c = this.uuid();
      const lines = [{ product_id: this.pick(products), quantity: 1 + Math.floor(this.r() * 12) }];
      await this.engine.enqueue('order.create', { client_id: c, visit_client_id: v, store_id: storeId, lines });
      this.made.push({ kind: 'order', client_id: c, store_id: storeId, device: this.name, visit_client_id: v });
    }
    await this.engine.enqueue('visit.checkout', { visit_client_id: v, at: iso(at + 600 + Math.floor(this.r() * 1200)), lat: 45.76, lon: 4.83, report: `report ${v.slice(0, 8)}`, next_steps: 'next' });
    return v;
  }

  async note(storeId: number): Promise<string> {
    let c = this.notes.get(storeId);
    const fresh = !c;
    if (!c) { c = this.uuid(); this.notes.set(storeId, c); }
    await this.engine.enqueue('note.put', { client_id: c, store_id: storeId, text: `note from ${this.name} #${Math.floor(this.r() * 1000)}` });
    if (fresh) this.made.push({ kind: 'note', client_id: c, store_id: storeId, device: this.name });
    return c;
  }

  async task(storeId: number): Promise<string> {
    const c = this.uuid();
    await this.engine.enqueue('task.put', { client_id: c, store_id: storeId, title: `task ${c.slice(0, 6)}`, done: false, due_date: '2026-12-31' });
    this.made.push({ kind: 'task', client_id: c, store_id: storeId, device: this.name });
    if (this.r() < 0.5) await this.engine.enqueue('task.put', { client_id: c, store_id: storeId, title: `task ${c.slice(0, 6)}`, done: true, due_date: '2026-12-31' });
    return c;
  }

  /** A store correction made from what this device sees locally. */
  async storeUpdate(storeId: number): Promise<boolean> {
    const s = await this.db.stores.get(storeId);
    if (!s) return false;
    const size = 200 + Math.floor(this.r() * 2000);
    await this.engine.enqueue('store.update', { store_id: storeId, base: { size_sqm: s.size_sqm ?? null }, changes: { size_sqm: size } });
    return true;
  }

  /** Local records by table, without optimistic ones, bookkeeping fields (`_…`) removed. */
  async snapshot(): Promise<Map<string, Rec>> {
    const out = new Map<string, Rec>();
    for (const [kind, table] of Object.entries(KIND_TABLES)) {
      for (const rec of await this.db.table_(table).toArray()) {
        const clean: Rec = { id: rec.id };
        for (const [k, v] of Object.entries(rec)) if (!k.startsWith('_')) clean[k] = v;
        out.set(`${kind}:${rec.id}`, clean);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    this.engine.stopAuto();
    this.db.close();
    await this.db.delete().catch(() => undefined);
  }
}

// An in-memory server implementing docs/SYNC.md (push, pull, uploads, plans) for the tests,
// and a fault injector that wraps any fetch.
import { sha256Hex } from '../../src/sync/ids';
import { rng } from '../support/rng';

type Rec = Record<string, any> & { id: number };
interface Entry { kind: string; id: number; seq: number; deleted: boolean; data: Rec | null }

export class FakeServer {
  userId = 7;
  epoch = 1;
  minCursor = 0;                 // cursors older than this get reset:true
  seq = 1;
  entries = new Map<string, Entry>(); // `${kind}:${id}` → latest change
  nextId = 1000;
  devices = new Map<string, { user: number; last: number }>();
  applications = new Map<string, number>(); // `${device}:${n}` → times applied or rejected
  clientIds = new Map<string, number>();     // client_id → times a record was created with it
  batchSizes: number[] = [];
  requests: { method: string; path: string }[] = [];
  putBytes = 0;
  putOffsets: number[] = [];
  uploads = new Map<string, { size: number; type: string; bytes: Uint8Array; received: number; complete: boolean }>();
  holdAttachments = false;       // attachment.create answers retry even when the blob is there
  territory = new Set<number>();

  constructor() {
    for (let i = 1; i <= 5; i++) this.put('store', { id: i, name: `Store ${i}`, city: 'Lyon', address: `${i} rue`, channel: 'super', lat: 45.76 + i / 100, lon: 4.83, assigned_rep_id: this.userId, tags: [] });
    for (let i = 1; i <= 5; i++) this.territory.add(i);
    for (let i = 1; i <= 3; i++) this.put('product', { id: 100 + i, name: `Product ${i}`, sku: `SKU${i}`, price_cents: 199 });
  }

  put(kind: string, data: Rec): Rec {
    const e = { kind, id: data.id, seq: this.seq++, deleted: false, data: { ...data } };
    this.entries.set(`${kind}:${data.id}`, e);
    return e.data;
  }
  remove(kind: string, id: number): void {
    this.entries.set(`${kind}:${id}`, { kind, id, seq: this.seq++, deleted: true, data: null });
  }
  get(kind: string, id: number): Rec | undefined {
    const e = this.entries.get(`${kind}:${id}`);
    return e && !e.deleted ? (e.data as Rec) : undefined;
  }
  all(kind: string): Rec[] {
    return [...this.entries.values()].filter((e) => e.kind === kind && !e.deleted).map((e) => e.data as Rec);
  }
  byClientId(kind: string, cid: string): Rec | undefined {
    return this.all(kind).find((r) => r.client_id === cid);
  }
  /** Move a store out of the rep's territory: the epoch moves. */
  dropFromTerritory(storeId: number): void {
    this.territory.delete(storeId);
    this.epoch++;
  }

  private create(kind: string, data: Record<string, any>): Rec {
    if (data.client_id) this.clientIds.set(data.client_id, (this.clientIds.get(data.client_id) ?? 0) + 1);
    return this.put(kind, { ...data, id: this.nextId++ });
  }

  /** Apply one mutation: a result status and maybe a problem or record id. */
  private apply(m: { n: number; kind: string; data: any }): { status: string; id?: number; kind?: string; problem?: any } {
    const d = m.data ?? {};
    const reject = (detail: string) => ({ status: 'rejected', problem: { type: 'validation', title: 'Invalid', status: 422, detail } });
    const store = (id: number) => (this.territory.has(id) ? this.get('store', id) : undefined);
    switch (m.kind) {
      case 'visit.checkin': {
        if (!store(d.store_id)) return reject('no such store');
        const old = this.byClientId('visit', d.client_id);
        if (old) return { status: 'applied', kind: 'visit', id: old.id };
        const v = this.create('visit', { client_id: d.client_id, store_id: d.store_id, rep_id: this.userId, type: d.type, status: 'in_progress', checkin: { at: d.at, lat: d.lat, lon: d.lon, reason: d.reason ?? '' }, checkout: null });
        return { status: 'applied', kind: 'visit', id: v.id };
      }
      case 'visit.checkout': {
        const v = this.byClientId('visit', d.visit_client_id);
        if (!v) return reject('no such visit');
        this.put('visit', { ...v, status: 'done', checkout: { at: d.at }, report: d.report, next_steps: d.next_steps });
        return { status: 'applied', kind: 'visit', id: v.id };
      }
      case 'audit.create': {
        const v = this.byClientId('visit', d.visit_client_id);
        if (!v) return reject('no such visit');
        if (!this.get('product', d.product_id)) return reject('no such product');
        const old = this.byClientId('audit', d.client_id);
        if (old) return { status: 'applied', kind: 'audit', id: old.id };
        const a = this.create('audit', { ...d, visit_id: v.id, store_id: v.store_id });
        delete a.visit_client_id;
        return { status: 'applied', kind: 'audit', id: a.id };
      }
      case 'order.create': {
        if (!store(d.store_id)) return reject('no such store');
        const old = this.byClientId('order', d.client_id);
        if (old) return { status: 'applied', kind: 'order', id: old.id };
        const o = this.create('order', { client_id: d.client_id, store_id: d.store_id, lines: d.lines, total_cents: 0 });
        return { status: 'applied', kind: 'order', id: o.id };
      }
      case 'attachment.create': {
        if (!store(d.store_id)) return reject('no such store');
        const up = this.uploads.get(d.sha256);
        if (this.holdAttachments || !up || !up.complete) return { status: 'retry', problem: { title: 'blob not uploaded', status: 409 } };
        const a = this.create('attachment', { ...d });
        return { status: 'applied', kind: 'attachment', id: a.id };
      }
      case 'note.put':
      case 'task.put': {
        const kind = m.kind === 'note.put' ? 'note' : 'task';
        if (!store(d.store_id)) return reject('no such store');
        const old = this.byClientId(kind, d.client_id);
        const r = old ? this.put(kind, { ...old, ...d }) : this.create(kind, { ...d });
        return { status: 'applied', kind, id: r.id };
      }
      case 'store.update': {
        const s = store(d.store_id);
        if (!s) return reject('no such store');
        const next = { ...s };
        for (const [f, v] of Object.entries(d.changes ?? {})) {
          const cur = JSON.stringify(s[f]);
          if (cur === JSON.stringify(d.base?.[f])) next[f] = v;
          else if (cur !== JSON.stringify(v)) {
            this.create('conflict', { store_id: s.id, field: f, base: d.base?.[f], client_value: v, server_value: s[f], status: 'open' });
          }
        }
        this.put('store', next);
        return { status: 'applied', kind: 'store', id: s.id };
      }
      default:
        return reject(`unknown kind ${m.kind}`);
    }
  }

  push(body: any): { status: number; body: any } {
    const device = body.device_id as string;
    const muts = body.mutations as any[];
    if (!device || !Array.isArray(muts) || muts.length > 200) return { status: 422, body: { title: 'bad push' } };
    this.batchSizes.push(muts.length);
    const dev = this.devices.get(device) ?? { user: this.userId, last: 0 };
    if (dev.user !== this.userId) {
      return { status: 409, body: { type: 'conflict', title: 'Conflict', status: 409, code: 10, detail: 'this device id belongs to another user; make a new one' } };
    }
    this.devices.set(device, dev);
    const results: any[] = [];
    for (const m of muts) {
      if (m.n <= dev.last) { results.push({ n: m.n, status: 'duplicate' }); continue; }
      if (m.n > dev.last + 1) break;
      const r = this.apply(m);
      if (r.status === 'retry') { results.push({ n: m.n, ...r }); break; }
      const key = `${device}:${m.n}`;
      this.applications.set(key, (this.applications.get(key) ?? 0) + 1);
      dev.last = m.n;
      results.push({ n: m.n, ...r });
    }
    return { status: 200, body: { device_id: device, last_applied: dev.last, expected: dev.last + 1, results, cursor: this.seq } };
  }

  pull(q: URLSearchParams): { status: number; body: any } {
    const cursor = Number(q.get('cursor') ?? 0);
    const epoch = q.get('epoch');
    const limit = Number(q.get('limit') ?? 100);
    if ((epoch !== null && Number(epoch) !== this.epoch) || (cursor > 0 && cursor < this.minCursor)) {
      return { status: 200, body: { items: [], cursor: 0, has_more: true, epoch: this.epoch, reset: true } };
    }
    const visible = (e: Entry) => {
      if (e.kind === 'store') return this.territory.has(e.id);
      if (e.data && 'store_id' in e.data) return this.territory.has(e.data.store_id);
      return true;
    };
    const all = [...this.entries.values()].filter((e) => e.seq >= cursor && visible(e)).sort((a, b) => a.seq - b.seq);
    const page = all.slice(0, limit);
    const next = page.length ? page[page.length - 1].seq + 1 : Math.max(cursor, 0);
    return {
      status: 200,
      body: {
        items: page.map((e) => ({ seq: e.seq, kind: e.kind, id: e.id, deleted: e.deleted, data: e.deleted ? undefined : e.data })),
        cursor: next, has_more: all.length > page.length, epoch: this.epoch, reset: false,
      },
    };
  }

  async handle(method: string, url: URL, body: any): Promise<{ status: number; body: any }> {
    this.requests.push({ method, path: url.pathname });
    const p = url.pathname;
    if (method === 'POST' && p === '/api/v1/sync/push') return this.push(JSON.parse(body));
    if (method === 'GET' && p === '/api/v1/sync/pull') return this.pull(url.searchParams);
    if (method === 'GET' && p === '/api/v1/plans') return { status: 200, body: { items: [], next_cursor: null } };
    if (method === 'POST' && p === '/api/v1/uploads') {
      const b = JSON.parse(body);
      let u = this.uploads.get(b.sha256);
      if (!u) {
        u = { size: b.size, type: b.content_type, bytes: new Uint8Array(b.size), received: 0, complete: false };
        this.uploads.set(b.sha256, u);
      }
      return { status: 200, body: { sha256: b.sha256, received: u.received, complete: u.complete } };
    }
    const m = p.match(/^\/api\/v1\/uploads\/([0-9a-f]{64})$/);
    if (method === 'PUT' && m) {
      const u = this.uploads.get(m[1]);
      if (!u) return { status: 404, body: { title: 'no upload' } };
      const offset = Number(url.searchParams.get('offset'));
      if (offset !== u.received) return { status: 409, body: { title: 'upload_offset', code: 'upload_offset', received: u.received } };
      const chunk = new Uint8Array(body as ArrayBuffer);
      if (chunk.length > 1024 * 1024 || offset + chunk.length > u.size) return { status: 413, body: { title: 'too large' } };
      u.bytes.set(chunk, offset);
      u.received += chunk.length;
      this.putBytes += chunk.length;
      this.putOffsets.push(offset);
      if (u.received === u.size) {
        const sha = await sha256Hex(u.bytes);
        if (sha !== m[1]) {
          this.uploads.delete(m[1]);
          return { status: 422, body: { title: 'sha256 mismatch' } };
        }
        u.complete = true;
      }
      return { status: 200, body: { received: u.received, complete: u.complete } };
    }
    return { status: 404, body: { title: 'route not found' } };
  }

  /** A fetch bound to this server. */
  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://boucle.test');
    const method = init?.method ?? 'GET';
    const auth = (init?.headers as Record<string, string> | undefined)?.Authorization;
    if (auth !== 'Bearer tok') return new Response(JSON.stringify({ title: 'unauthenticated', status: 401 }), { status: 401 });
    const r = await this.handle(method, url, init?.body ?? null);
    return new Response(JSON.stringify(r.body), { status: r.status, headers: { 'Content-Type': 'application/json' } });
  };
}

/** Deterministic random numbers (mulberry32). */
export const seeded = rng;

export interface Faults {
  drop?: number;        // the request never reaches the server
  loseReply?: number;   // the server applies it, the reply is lost
  duplicate?: number;   // the request reaches the server twice
  reorder?: number;     // the request is held (the client times out) and delivered later
  delayMs?: number;     // random delay before delivery
  only?: (method: string, path: string) => boolean;
}

export class FaultyNetwork {
  held: { input: RequestInfo | URL; init?: RequestInit }[] = [];
  stats = { drop: 0, loseReply: 0, duplicate: 0, reorder: 0, delivered: 0 };
  enabled = true;
  constructor(private inner: typeof fetch, public faults: Faults, private random: () => number) {}

  fetch: typeof fetch = async (input, init) => {
    const f = this.faults;
    const path = new URL(String(input), 'http://x').pathname;
    const method = init?.method ?? 'GET';
    const applies = this.enabled && (!f.only || f.only(method, path));
    if (f.delayMs) await new Promise((r) => setTimeout(r, Math.floor(this.random() * f.delayMs!)));
    // Requests held earlier arrive now, late and out of order.
    if (this.held.length && this.random() < 0.7) {
      const late = this.held.splice(0, this.held.length);
      for (const h of late) await this.inner(h.input, h.init).catch(() => undefined);
    }
    if (applies && this.random() < (f.drop ?? 0)) { this.stats.drop++; throw new TypeError('Failed to fetch (dropped)'); }
    if (applies && this.random() < (f.reorder ?? 0)) {
      this.stats.reorder++;
      this.held.push({ input, init });
      throw new TypeError('Failed to fetch (timeout)');
    }
    if (applies && this.random() < (f.duplicate ?? 0)) {
      this.stats.duplicate++;
      await this.inner(input, init);
      const second = await this.inner(input, init);
      this.stats.delivered += 2;
      return second;
    }
    const res = await this.inner(input, init);
    this.stats.delivered++;
    if (applies && this.random() < (f.loseReply ?? 0)) { this.stats.loseReply++; throw new TypeError('Failed to fetch (reply lost)'); }
    return res;
  };

  async flush(): Promise<void> {
    const late = this.held.splice(0, this.held.length);
    for (const h of late) await this.inner(h.input, h.init).catch(() => undefined);
  }
}

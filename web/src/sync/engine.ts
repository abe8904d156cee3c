// The sync engine: docs/SYNC.md, client side. Blobs up first, then the outbox (exactly once,
// by mutation number), then the pull (cursor + epoch), then the published plan. One sync at a
// time; every network call goes through the injected fetch.
import { type BoucleDb, type Mutation, type Rec, KIND_TABLES, SYNCED_TABLES, localKey } from '../db';
import { uuid } from './ids';
import { CREATE_KINDS, applyOptimistic, deviceTime, revertOptimistic } from './optimistic';

export interface SyncReport {
  ok: boolean;
  uploaded: number;        // blobs whose upload completed (or were deduplicated) in this run
  pushed: number;          // mutations sent (including resends)
  applied: number;
  duplicates: number;
  rejected: number;
  retryLater: boolean;     // the server answered `retry` for a mutation
  pulled: number;          // feed items applied
  reset: boolean;
  plan: boolean;           // a published plan was fetched
  error?: string;
  offline?: boolean;       // a network failure ended the run
}

export type SyncState = 'idle' | 'syncing' | 'offline' | 'error' | 'auth';

export interface SyncStatus {
  state: SyncState;
  pending: number;
  rejected: number;
  blobsPending: number;
  lastSync: number | null; // unix seconds of the last complete sync
  lastError: string | null;
  online: boolean;
  nextRetryAt: number | null;
}

export interface SyncEngineOptions {
  db: BoucleDb;
  baseUrl?: string;
  token: () => string | null;
  fetch?: typeof fetch;
  chunkSize?: number;
  now?: () => number;                   // unix seconds
  random?: () => number;                // jitter source
  userId?: () => number | null;         // whose published plan to fetch (reps)
  pullLimit?: number;
  batchSize?: number;                   // ≤ 200
  maxBatchBytes?: number;               // ≤ 1 MiB
  requestTimeoutMs?: number;
  eventSource?: (url: string) => EventSource | null;
}

export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export class HttpError extends Error {
  status: number;
  problem: any;
  constructor(status: number, problem: any) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = 'HttpError';
    this.status = status;
    this.problem = problem;
  }
}

const emptyReport = (): SyncReport => ({
  ok: false, uploaded: 0, pushed: 0, applied: 0, duplicates: 0, rejected: 0,
  retryLater: false, pulled: 0, reset: false, plan: false,
});

const RECORD_TABLES = [...SYNCED_TABLES];
/** Uploaded photos stay on the device this long (thumbnails), then only the server has them. */
const PHOTO_KEEP_DAYS = 14;

export class SyncEngine {
  private readonly db: BoucleDb;
  private readonly base: string;
  private readonly tokenFn: () => string | null;
  private readonly fetchFn: typeof fetch;
  private readonly chunkSize: number;
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly userId: () => number | null;
  private readonly pullLimit: number;
  private readonly batchSize: number;
  private readonly maxBatchBytes: number;
  private readonly timeoutMs: number;
  private readonly makeEventSource?: (url: string) => EventSource | null;

  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<SyncReport> | null = null;
  private running = false;
  private listeners = new Set<(s: SyncStatus) => void>();
  private state: SyncState = 'idle';
  private lastError: string | null = null;
  private failures = 0;
  private nextRetryAt: number | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private interval: ReturnType<typeof setInterval> | null = null;
  private source: EventSource | null = null;
  private cleanups: (() => void)[] = [];

  constructor(opts: SyncEngineOptions) {
    this.db = opts.db;
    this.base = (opts.baseUrl ?? '').replace(/\/$/, '');
    this.tokenFn = opts.token;
    this.fetchFn = opts.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a));
    this.chunkSize = Math.min(opts.chunkSize ?? 512 * 1024, 1024 * 1024);
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.random = opts.random ?? Math.random;
    this.userId = opts.userId ?? (() => null);
    this.pullLimit = opts.pullLimit ?? 500;
    this.batchSize = Math.min(opts.batchSize ?? 200, 200);
    this.maxBatchBytes = Math.min(opts.maxBatchBytes ?? 1024 * 1024 - 4096, 1024 * 1024 - 1024);
    this.timeoutMs = opts.requestTimeoutMs ?? 30000;
    this.makeEventSource = opts.eventSource;
  }

  // ---------------------------------------------------------------- identifiers and outbox

  async deviceId(): Promise<string> {
    return this.db.transaction('rw', this.db.meta, async () => {
      let id = await this.db.getMeta<string | null>('device_id', null);
      if (!id) {
        id = uuid();
        await this.db.setMeta('device_id', id);
      }
      return id;
    });
  }

  /** Record a mutation: one transaction assigns the next n, writes the outbox entry and the
   *  optimistic local record. Returns n. */
  async enqueue(kind: string, data: object): Promise<number> {
    const db = this.db;
    const tables = [db.meta, db.outbox, ...RECORD_TABLES.map((t) => db.table(t))];
    const n = await db.transaction('rw', tables, async () => {
      const next = await db.getMeta<number>('next_n', 1);
      await db.setMeta('next_n', next + 1);
      const m: Mutation = { n: next, kind, data, created_at: this.now(), status: 'pending' };
      await db.outbox.add(m);
      await applyOptimistic(db, next, kind, data);
      return next;
    });
    void this.emit();
    return n;
  }

  async pending(): Promise<number> {
    return this.db.outbox.count();
  }

  // ---------------------------------------------------------------- status

  subscribe(listener: (s: SyncStatus) => void): () => void {
    this.listeners.add(listener);
    void this.status().then(listener);
    return () => this.listeners.delete(listener);
  }

  async status(): Promise<SyncStatus> {
    const [pending, rejected, blobsPending, lastSync] = await Promise.all([
      this.db.outbox.count(),
      this.db.rejected.count(),
      this.db.blobs.filter((b) => !b.complete).count(),
      this.db.getMeta<number | null>('last_sync', null),
    ]);
    return {
      state: this.state, pending, rejected, blobsPending, lastSync, lastError: this.lastError,
      online: typeof navigator === 'undefined' ? true : navigator.onLine !== false,
      nextRetryAt: this.nextRetryAt,
    };
  }

  private async emit(): Promise<void> {
    if (this.listeners.size === 0) return;
    try {
      const s = await this.status();
      this.listeners.forEach((f) => f(s));
    } catch { /* database closed */ }
  }

  // ---------------------------------------------------------------- sync

  /** Run a sync. Calls while one runs coalesce into one more run after it. */
  sync(): Promise<SyncReport> {
    if (this.queued) return this.queued;
    const next = this.chain.then(() => {
      this.queued = null;
      return this.run();
    });
    this.queued = next;
    this.chain = next.catch(() => undefined);
    return next;
  }

  isRunning(): boolean {
    return this.running;
  }

  private async run(): Promise<SyncReport> {
    const report = emptyReport();
    this.running = true;
    this.state = 'syncing';
    void this.emit();
    try {
      if (!this.tokenFn()) throw new HttpError(401, { title: 'no session' });
      await this.uploadBlobs(report);
      await this.push(report);
      // A device's first sync fetches the plan before its first (long) pull, so that the
      // week shows at once; the plan's stops carry their stores' names.
      if ((await this.db.plans.count()) === 0) await this.fetchPlan(report);
      await this.pull(report);
      await this.fetchPlan(report);
      report.ok = !report.retryLater;
      await this.db.setMeta('last_sync', this.now());
      const keepUntil = this.now() - PHOTO_KEEP_DAYS * 86400;
      await this.db.blobs.filter((b) => b.complete && b.created_at < keepUntil).delete();
      this.failures = 0;
      this.nextRetryAt = null;
      this.lastError = report.retryLater ? 'retry' : null;
      this.state = 'idle';
    } catch (e) {
      report.ok = false;
      report.error = e instanceof Error ? e.message : String(e);
      this.lastError = report.error;
      if (e instanceof NetworkError || (e instanceof HttpError && (e.status >= 500 || e.status === 429 || e.status === 408))) {
        report.offline = true;
        this.state = 'offline';
        this.failures++;
      } else if (e instanceof HttpError && e.status === 401) {
        this.state = 'auth';
      } else {
        this.state = 'error';
        this.failures++;
      }
    } finally {
      this.running = false;
    }
    if (report.retryLater || report.offline || this.state === 'error') this.scheduleRetry();
    void this.emit();
    return report;
  }

  /** Exponential backoff with jitter: 2 s, 4 s, 8 s … capped at 5 min, × [0.5, 1.5). */
  backoffMs(failures = this.failures): number {
    const base = Math.min(2000 * 2 ** Math.max(0, failures - 1), 300000);
    return Math.round(base * (0.5 + this.random()));
  }

  private scheduleRetry(): void {
    if (!this.interval) return; // only in auto mode
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const delay = this.backoffMs(Math.max(1, this.failures));
    this.nextRetryAt = Date.now() + delay;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.sync();
    }, delay);
  }

  // ---------------------------------------------------------------- HTTP

  private async request(method: string, path: string, body?: BodyInit, contentType?: string): Promise<any> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const token = this.tokenFn();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
    const ctrl = typeof AbortController !== 'undefined' ? new AbortController() : null;
    const timer = ctrl ? setTimeout(() => ctrl.abort(), this.timeoutMs) : null;
    let res: Response;
    try {
      res = await this.fetchFn(this.base + path, { method, headers, body, signal: ctrl?.signal });
    } catch (e) {
      throw new NetworkError(e instanceof Error ? e.message : 'network error');
    } finally {
      if (timer) clearTimeout(timer);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      throw new NetworkError('reply lost');
    }
    let data: any = null;
    if (text) {
      try { data = JSON.parse(text); } catch { data = { detail: text }; }
    }
    if (!res.ok) throw new HttpError(res.status, data ?? { status: res.status });
    return data;
  }

  private json(method: string, path: string, body?: unknown): Promise<any> {
    return this.request(method, path, body === undefined ? undefined : JSON.stringify(body));
  }

  // ---------------------------------------------------------------- blobs

  private async uploadBlobs(report: SyncReport): Promise<void> {
    const todo = await this.db.blobs.filter((b) => !b.complete).toArray();
    for (const b of todo) {
      let state: { received: number; complete: boolean };
      try {
        state = await this.json('POST', '/api/v1/uploads', { sha256: b.sha256, size: b.size, content_type: b.content_type });
      } catch (e) {
        if (e instanceof HttpError && e.status === 422) { await this.blobError(b.sha256, e); continue; }
        throw e;
      }
      let received = state.received ?? 0;
      let complete = !!state.complete;
      let guard = 0;
      while (!complete && guard++ < 10000) {
        await this.db.blobs.update(b.sha256, { uploaded: received });
        void this.emit();
        const end = Math.min(received + this.chunkSize, b.size);
        const chunk = await b.blob.slice(received, end).arrayBuffer();
        try {
          const r = await this.request('PUT', `/api/v1/uploads/${b.sha256}?offset=${received}`, chunk, 'application/octet-stream');
          received = r.received;
          complete = !!r.complete;
        } catch (e) {
          if (e instanceof HttpError && e.status === 409) {
            // upload_offset: the server says where it is; resume from there.
            const srv = e.problem?.received;
            if (typeof srv === 'number') received = srv;
            else {
              const again = await this.json('POST', '/api/v1/uploads', { sha256: b.sha256, size: b.size, content_type: b.content_type });
              received = again.received ?? 0;
              complete = !!again.complete;
            }
            continue;
          }
          if (e instanceof HttpError && (e.status === 422 || e.status === 413 || e.status === 400)) {
            await this.blobError(b.sha256, e);
            break;
          }
          throw e;
        }
      }
      if (complete) {
        await this.db.blobs.update(b.sha256, { uploaded: b.size, complete: true, error: undefined });
        report.uploaded++;
        void this.emit();
      }
    }
  }

  private async blobError(sha: string, e: HttpError): Promise<void> {
    await this.db.blobs.update(sha, { uploaded: 0, error: e.message });
  }

  // ---------------------------------------------------------------- push

  private async push(report: SyncReport): Promise<void> {
    let device_id = await this.deviceId();
    let stalls = 0;
    let renumbered = false;
    for (;;) {
      const all = await this.db.outbox.orderBy('n').limit(this.batchSize).toArray();
      if (all.length === 0) return;
      const batch: Mutation[] = [];
      let bytes = 64;
      for (const m of all) {
        const size = JSON.stringify({ n: m.n, kind: m.kind, data: m.data }).length + 1;
        if (batch.length > 0 && bytes + size > this.maxBatchBytes) break;
        batch.push(m);
        bytes += size;
      }
      let reply: any;
      try {
        reply = await this.json('POST', '/api/v1/sync/push', {
          device_id,
          device_time: deviceTime(this.now()),   // lets the server correct a wrong device clock
          mutations: batch.map((m) => ({ n: m.n, kind: m.kind, data: m.data })),
        });
      } catch (e) {
        if (e instanceof HttpError && e.status === 409 && /device/.test(`${e.problem?.code ?? ''} ${e.problem?.type ?? ''} ${e.problem?.title ?? ''} ${e.problem?.detail ?? ''}`) && !renumbered) {
          renumbered = true;
          // device_taken: this id belongs to another user. Take a new one and renumber the
          // outbox from 1 (numbers are per device); nothing of it was applied under this id.
          device_id = await this.newDevice();
          continue;
        }
        throw e;
      }
      report.pushed += batch.length;
      const progressed = await this.applyPushReply(reply, batch, report);
      if (report.retryLater) return;
      const first = await this.db.outbox.orderBy('n').first();
      if (!first) return;
      const expected: number | undefined = reply.expected;
      if (expected !== undefined && first.n > expected) {
        // The server waits for a mutation this device no longer has: nothing can fix it here.
        throw new Error(`outbox gap: server expects ${expected}, first pending is ${first.n}`);
      }
      stalls = progressed ? 0 : stalls + 1;
      if (stalls >= 3) throw new Error('push makes no progress');
    }
  }

  /** A new device id, with the outbox renumbered 1, 2, 3… in the same order. */
  private async newDevice(): Promise<string> {
    const db = this.db;
    return db.transaction('rw', db.meta, db.outbox, async () => {
      const id = uuid();
      const all = await db.outbox.orderBy('n').toArray();
      await db.outbox.clear();
      let n = 1;
      for (const m of all) await db.outbox.add({ ...m, n: n++ });
      await db.setMeta('device_id', id);
      await db.setMeta('next_n', n);
      await db.setMeta('last_applied', 0);
      return id;
    });
  }

  /** Apply one push reply in one transaction. Returns whether the outbox shrank. */
  private async applyPushReply(reply: any, batch: Mutation[], report: SyncReport): Promise<boolean> {
    const db = this.db;
    const lastApplied: number = typeof reply.last_applied === 'number' ? reply.last_applied : 0;
    const results: any[] = Array.isArray(reply.results) ? reply.results : [];
    const tables = [db.outbox, db.rejected, db.meta, ...RECORD_TABLES.map((t) => db.table(t))];
    return db.transaction('rw', tables, async () => {
      const byN = new Map(batch.map((m) => [m.n, m]));
      for (const r of results) {
        if (r.status === 'applied') report.applied++;
        else if (r.status === 'duplicate') report.duplicates++;
        else if (r.status === 'retry') report.retryLater = true;
        else if (r.status === 'rejected' && r.n <= lastApplied) {
          const m = byN.get(r.n) ?? (await db.outbox.get(r.n));
          if (m) {
            report.rejected++;
            await db.rejected.put({
              n: m.n, kind: m.kind, data: m.data, problem: r.problem ?? null,
              created_at: m.created_at, rejected_at: this.now(),
            });
            await revertOptimistic(db, m.kind, m.data);
          }
        }
      }
      const before = await db.outbox.count();
      await db.outbox.where('n').belowOrEqual(lastApplied).delete();
      await db.setMeta('last_applied', lastApplied);
      if (typeof reply.cursor === 'number') await db.setMeta('server_cursor_hint', reply.cursor);
      return (await db.outbox.count()) < before;
    });
  }

  // ---------------------------------------------------------------- pull

  private async pull(report: SyncReport): Promise<void> {
    for (let guard = 0; guard < 10000; guard++) {
      const cursor = await this.db.getMeta<number>('cursor', 0);
      const epoch = await this.db.getMeta<number | null>('epoch', null);
      const q = `cursor=${cursor}` + (epoch !== null ? `&epoch=${epoch}` : '') + `&limit=${this.pullLimit}`;
      const reply = await this.json('GET', `/api/v1/sync/pull?${q}`);
      if (reply.reset) {
        if (report.reset && cursor === 0) throw new Error('server keeps asking for a reset');
        report.reset = true;
        await this.resetLocal(reply.epoch ?? null);
        continue;
      }
      await this.applyPull(reply, cursor);
      report.pulled += (reply.items ?? []).length;
      if (!reply.has_more) return;
    }
  }

  private async applyPull(reply: any, cursorAsked: number): Promise<void> {
    const db = this.db;
    const tables = [db.meta, db.outbox, ...RECORD_TABLES.map((t) => db.table(t))];
    await db.transaction('rw', tables, async () => {
      // A late reply to an old request must not move the cursor back.
      const current = await db.getMeta<number>('cursor', 0);
      if (current !== cursorAsked) return;
      for (const item of reply.items ?? []) {
        const table = KIND_TABLES[item.kind];
        if (!table) continue;
        const t = db.table_(table);
        if (item.deleted) {
          await t.delete(item.id);
          continue;
        }
        const data = { ...(item.data ?? {}), id: item.id } as Rec;
        if (data.client_id) await t.delete(localKey(data.client_id));
        await t.put(data);
      }
      if (typeof reply.cursor === 'number') await db.setMeta('cursor', reply.cursor);
      if (reply.epoch !== undefined) await db.setMeta('epoch', reply.epoch);
      // Local changes still waiting in the outbox stay visible over the server's records.
      const pending = await db.outbox.orderBy('n').toArray();
      for (const m of pending) {
        if (!CREATE_KINDS.has(m.kind)) await applyOptimistic(db, m.n, m.kind, m.data);
      }
    });
  }

  /** reset:true — empty the copy (never the outbox, the device id, nor blobs not yet
   *  uploaded), keep the optimistic records of pending mutations, and pull again from 0. */
  private async resetLocal(epoch: number | null): Promise<void> {
    const db = this.db;
    const tables = [db.meta, db.outbox, db.blobs, db.plans, ...RECORD_TABLES.map((t) => db.table(t))];
    await db.transaction('rw', tables, async () => {
      for (const t of RECORD_TABLES) await db.table(t).clear();
      await db.plans.clear();
      await db.blobs.filter((b) => b.complete).delete();
      await db.setMeta('cursor', 0);
      await db.setMeta('epoch', epoch);
      const pending = await db.outbox.orderBy('n').toArray();
      for (const m of pending) await applyOptimistic(db, m.n, m.kind, m.data);
    });
  }

  // ---------------------------------------------------------------- plan

  private async fetchPlan(report: SyncReport): Promise<void> {
    const rep = this.userId();
    if (rep === null || rep === undefined) return;
    const summaries: any[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 20; page++) {
      const q: string = `rep_id=${rep}&status=published&limit=100` + (cursor ? `&cursor=${encodeURIComponent(cursor)}` : '');
      const r: any = await this.json('GET', `/api/v1/plans?${q}`);
      summaries.push(...(r.items ?? []));
      cursor = r.next_cursor ?? null;
      if (!cursor) break;
    }
    if (summaries.length === 0) {
      await this.db.plans.clear();
      return;
    }
    summaries.sort((a, b) => (a.start_date === b.start_date ? b.id - a.id : a.start_date < b.start_date ? 1 : -1));
    const latest = summaries[0];
    const have = await this.db.plans.get(latest.id);
    if (have && have.version === latest.version && Array.isArray(have.days)) return;
    const full = await this.json('GET', `/api/v1/plans/${latest.id}`);
    await this.db.transaction('rw', this.db.plans, async () => {
      await this.db.plans.clear();
      await this.db.plans.put({ ...full, fetched_at: this.now() });
    });
    report.plan = true;
  }

  // ---------------------------------------------------------------- automatic sync

  /** Sync on the online event, every 60 s while online, and on each SSE `changed` event. */
  startAuto(): void {
    if (this.interval) return;
    if (this.state === 'auth') this.state = 'idle'; // a new session
    const kick = () => { void this.sync(); };
    this.interval = setInterval(() => {
      if (typeof navigator === 'undefined' || navigator.onLine !== false) kick();
    }, 60000);
    if (typeof window !== 'undefined') {
      const online = () => { this.failures = 0; kick(); this.openEvents(); void this.emit(); };
      const offline = () => { this.state = 'offline'; this.closeEvents(); void this.emit(); };
      const visible = () => { if (document.visibilityState === 'visible' && navigator.onLine !== false) kick(); };
      document.addEventListener('visibilitychange', visible);
      this.cleanups.push(() => document.removeEventListener('visibilitychange', visible));
      window.addEventListener('online', online);
      window.addEventListener('offline', offline);
      this.cleanups.push(() => window.removeEventListener('online', online));
      this.cleanups.push(() => window.removeEventListener('offline', offline));
    }
    this.openEvents();
    kick();
  }

  stopAuto(): void {
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.timers.forEach(clearTimeout);
    this.timers = [];
    this.cleanups.forEach((f) => f());
    this.cleanups = [];
    this.closeEvents();
  }

  private openEvents(): void {
    if (this.source) return;
    const token = this.tokenFn();
    if (!token) return;
    const url = `${this.base}/api/v1/events?token=${encodeURIComponent(token)}`;
    let src: EventSource | null = null;
    if (this.makeEventSource) src = this.makeEventSource(url);
    else if (typeof EventSource !== 'undefined') src = new EventSource(url);
    if (!src) return;
    this.source = src;
    let debounce: ReturnType<typeof setTimeout> | null = null;
    src.addEventListener('changed', () => {
      if (debounce) return;
      debounce = setTimeout(() => { debounce = null; void this.sync(); }, 300);
      this.timers.push(debounce);
    });
    src.onerror = () => {
      // EventSource reconnects by itself; after a hard close, reopen with backoff.
      if (src && src.readyState === 2) {
        this.source = null;
        const t = setTimeout(() => this.openEvents(), this.backoffMs(Math.max(1, this.failures + 1)));
        this.timers.push(t);
      }
    };
  }

  private closeEvents(): void {
    this.source?.close();
    this.source = null;
  }
}

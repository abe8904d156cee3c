// A real Boucle server on a temporary SQLite file, seeded through the API with a small
// deterministic world: an admin, a manager, N reps (10 stores each around Lyon / Grenoble),
// 10 products in 3 ranges, assortment rules, and a published plan for rep 1 from today.
// Used by the fault-injection tests, the end-to-end test and the benchmarks.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
export const WEB_DIR = resolve(here, '../..');
export const BOUCLE_BIN = process.env.BOUCLE_BIN ?? resolve(WEB_DIR, '../build/release/apps/boucle/boucle');

import { rng } from './rng';

export { rng };

export class ApiError extends Error {
  constructor(public status: number, public body: any, what: string) {
    super(`${what} → ${status} ${typeof body === 'string' ? body : JSON.stringify(body)}`);
  }
}

export interface WorldOptions {
  reps?: number;            // 1–4 (default 4)
  storesPerRep?: number;    // default 10
  webRoot?: string;         // default web/dist
  plan?: boolean;           // publish a plan for rep 1 (default true)
  planDays?: number;        // default 5
  threads?: number;
  log?: boolean;            // forward the server's stderr
}

export interface RepInfo { id: number; email: string; password: string; token: string; stores: number[]; city: string }

export interface World {
  readonly baseUrl: string;
  readonly port: number;
  dir: string;
  dbPath: string;
  tokens: { admin: string; manager: string; reps: string[] };
  ids: {
    admin: number; manager: number; reps: number[];
    stores: number[];                    // every store id
    storesByRep: number[][];             // store ids of reps[i]
    products: number[];
    planId: number | null;
  };
  reps: RepInfo[];
  manager: { id: number; email: string; password: string };
  admin: { email: string; password: string };
  /** JSON call with a token; throws ApiError on a non-2xx answer. */
  api(token: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  /** Follow a list endpoint (items / next_cursor) to its end. */
  listAll(token: string, path: string): Promise<any[]>;
  /** GET /api/v1/changes?since=0 followed to the end, latest entry per kind:id. */
  changes(token: string): Promise<Map<string, any>>;
  /** GET /api/v1/sync/pull?cursor=0 followed to the end: the records a user should hold. */
  pullAll(token: string): Promise<{ items: Map<string, any>; epoch: number | null; cursor: number }>;
  login(email: string, password: string): Promise<string>;
  stop(): Promise<void>;
  kill(): Promise<void>;
  restart(): Promise<void>;
  alive(): boolean;
}

const LYON = { lat: 45.764, lon: 4.8357, city: 'Lyon', postcode: '69002' };
const GRENOBLE = { lat: 45.1885, lon: 5.7245, city: 'Grenoble', postcode: '38000' };
const CHANNELS = ['super', 'hyper', 'proxi', 'super', 'proxi', 'super', 'hyper', 'proxi', 'super', 'proxi'];
const RANGES = ['Classique', 'Nouveau', 'Protéine+'];
const PRODUCTS: [string, string, string, number][] = [
  ['BIS-001', 'Biscuit nature', 'Classique', 2.49],
  ['BIS-002', 'Biscuit chocolat', 'Classique', 3.1],
  ['BIS-003', 'Sablé beurre', 'Classique', 2.79],
  ['BIS-004', 'Galette bretonne', 'Classique', 3.45],
  ['NOU-001', 'Cookie avoine', 'Nouveau', 3.9],
  ['NOU-002', 'Cracker sarrasin', 'Nouveau', 2.99],
  ['NOU-003', 'Barre figue', 'Nouveau', 1.95],
  ['PRO-001', 'Barre protéinée cacao', 'Protéine+', 2.2],
  ['PRO-002', 'Barre protéinée vanille', 'Protéine+', 2.2],
  ['PRO-003', 'Granola protéiné', 'Protéine+', 5.5],
];
const STREETS = ['rue de la République', 'avenue Jean Jaurès', 'cours Berriat', 'rue Garibaldi', 'boulevard des Belges',
  'rue Mercière', 'avenue Alsace-Lorraine', 'rue Félix Poulat', 'quai Perrache', 'place Grenette'];
const HOURS = '07:00-21:00';
export const PASSWORDS = { admin: 'admin-password-1', manager: 'manager-password-1', rep: (i: number) => `rep${i + 1}-password-1` };

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

async function readListening(child: ChildProcess, timeoutMs = 15000): Promise<number> {
  return new Promise((res, rej) => {
    let buf = '';
    let errBuf = '';
    const timer = setTimeout(() => rej(new Error(`server did not start in ${timeoutMs} ms: ${errBuf}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      buf += chunk.toString();
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(buf);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        res(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => { errBuf = (errBuf + c.toString()).slice(-2000); });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      rej(new Error(`server exited (${code ?? sig}) before listening: ${errBuf}`));
    });
  });
}

export async function startWorld(opts: WorldOptions = {}): Promise<World> {
  const nReps = Math.max(1, Math.min(opts.reps ?? 4, 4));
  const perRep = opts.storesPerRep ?? 10;
  const dir = mkdtempSync(join(tmpdir(), 'boucle-world-'));
  const dbPath = join(dir, 'boucle.db');
  const webRoot = opts.webRoot ?? join(WEB_DIR, 'dist');

  const add = spawnSync(BOUCLE_BIN, ['user', 'add', '--db', dbPath, '--email', 'admin@t.fr', '--role', 'admin'],
    { input: PASSWORDS.admin + '\n', encoding: 'utf8' });
  if (add.status !== 0) throw new Error(`boucle user add failed: ${add.stderr}`);

  let child: ChildProcess | null = null;
  let port = 0;
  const spawnServer = async (wantPort: number): Promise<void> => {
    const args = ['serve', '--db', dbPath, '--port', String(wantPort), '--web-root', webRoot, '--refresh-seconds', '0'];
    if (opts.threads) args.push('--threads', String(opts.threads));
    const c = spawn(BOUCLE_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (opts.log) c.stderr?.pipe(process.stderr);
    else c.stderr?.resume();
    port = await readListening(c);
    child = c;
  };
  await spawnServer(0);

  const world = {} as World;
  let currentBase = `http://127.0.0.1:${port}`;
  Object.defineProperty(world, 'baseUrl', { get: () => currentBase });
  Object.defineProperty(world, 'port', { get: () => port });

  const api = async (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      if (typeof body === 'string') { payload = body; h['Content-Type'] ??= 'text/csv'; }
      else { payload = JSON.stringify(body); h['Content-Type'] = 'application/json'; }
    }
    const res = await fetch(currentBase + path, { method, headers: h, body: payload });
    const text = await res.text();
    let data: any = text;
    try { data = text ? JSON.parse(text) : null; } catch { /* keep text */ }
    if (!res.ok) throw new ApiError(res.status, data, `${method} ${path}`);
    return data;
  };
  const listAll = async (token: string, path: string) => {
    const out: any[] = [];
    let cursor: string | null = null;
    const sep = path.includes('?') ? '&' : '?';
    for (let guard = 0; guard < 10000; guard++) {
      const r: any = await api(token, 'GET', `${path}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      out.push(...r.items);
      cursor = r.next_cursor ?? null;
      if (!cursor) break;
    }
    return out;
  };
  const changes = async (token: string) => {
    const m = new Map<string, any>();
    let since = 0;
    for (let guard = 0; guard < 100000; guard++) {
      const r = await api(token, 'GET', `/api/v1/changes?since=${since}&limit=500`);
      for (const it of r.items) m.set(`${it.kind}:${it.id}`, it);
      since = r.next_since;
      if (!r.has_more) break;
    }
    return m;
  };
  const pullAll = async (token: string) => {
    const m = new Map<string, any>();
    let cursor = 0;
    let epoch: number | null = null;
    for (let guard = 0; guard < 100000; guard++) {
      const r = await api(token, 'GET', `/api/v1/sync/pull?cursor=${cursor}&limit=500`);
      for (const it of r.items) m.set(`${it.kind}:${it.id}`, it);
      cursor = r.cursor;
      epoch = r.epoch ?? null;
      if (!r.has_more) break;
    }
    return { items: m, epoch, cursor };
  };
  const login = async (email: string, password: string) => (await api('', 'POST', '/api/v1/auth/login', { email, password })).token as string;

  const waitExit = (c: ChildProcess) => new Promise<void>((res) => {
    if (c.exitCode !== null || c.signalCode !== null) return res();
    c.once('exit', () => res());
  });
  world.stop = async () => {
    const c = child as ChildProcess | null;
    child = null;
    if (c) { c.kill('SIGTERM'); const t = setTimeout(() => c.kill('SIGKILL'), 5000); await waitExit(c); clearTimeout(t); }
    if (!process.env.BOUCLE_KEEP_WORLD) rmSync(dir, { recursive: true, force: true });
  };
  world.kill = async () => {
    const c = child as ChildProcess | null;
    child = null;
    if (c) { c.kill('SIGKILL'); await waitExit(c); }
  };
  world.restart = async () => {
    if (child) await world.kill();
    const want = port;
    let lastErr: unknown = null;
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await spawnServer(attempt < 15 ? want : 0);
        currentBase = `http://127.0.0.1:${port}`;
        return;
      } catch (e) {
        lastErr = e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    throw lastErr;
  };
  world.alive = () => child !== null;
  process.once('exit', () => { try { (child as ChildProcess | null)?.kill('SIGKILL'); } catch { /* gone */ } });

  // ---------------------------------------------------------------- seed
  world.dir = dir;
  world.dbPath = dbPath;
  world.api = api;
  world.listAll = listAll;
  world.changes = changes;
  world.pullAll = pullAll;
  world.login = login;
  world.admin = { email: 'admin@t.fr', password: PASSWORDS.admin };
  try {
    const admin = await login('admin@t.fr', PASSWORDS.admin);
    const me = await api(admin, 'GET', '/api/v1/me');
    const allDays = { mon: [['07:00', '21:00']], tue: [['07:00', '21:00']], wed: [['07:00', '21:00']], thu: [['07:00', '21:00']], fri: [['07:00', '21:00']], sat: [['07:00', '21:00']], sun: [['07:00', '21:00']] };
    const mgr = await api(admin, 'POST', '/api/v1/users', { email: 'manager@t.fr', name: 'Claire Manager', role: 'manager', password: PASSWORDS.manager, home: { lat: LYON.lat, lon: LYON.lon } });
    const reps: RepInfo[] = [];
    const repNames = ['Alice Martin', 'Bruno Petit', 'Chloé Girard', 'David Roux'];
    for (let i = 0; i < nReps; i++) {
      const city = i < 2 ? LYON : GRENOBLE;
      const email = `rep${i + 1}@t.fr`;
      const u = await api(admin, 'POST', '/api/v1/users', {
        email, name: repNames[i], role: 'rep', password: PASSWORDS.rep(i),
        home: { lat: city.lat + 0.01 * i, lon: city.lon - 0.01 }, working_hours: allDays,
      });
      reps.push({ id: u.id, email, password: PASSWORDS.rep(i), token: '', stores: [], city: city.city });
    }
    // Stores: deterministic positions within ~6 km of the town centre.
    const rand = rng(20261205);
    const lines = ['code;name;lat;lon;channel;rep_email;address;postcode;city;potential;visit_frequency_days;mon;tue;wed;thu;fri;sat;sun'];
    for (let i = 0; i < nReps; i++) {
      const city = i < 2 ? LYON : GRENOBLE;
      for (let k = 0; k < perRep; k++) {
        const lat = (city.lat + (rand() - 0.5) * 0.1).toFixed(5);
        const lon = (city.lon + (rand() - 0.5) * 0.14).toFixed(5);
        const channel = CHANNELS[k % CHANNELS.length];
        const banner = channel === 'hyper' ? 'Hyper' : channel === 'super' ? 'Super' : 'Proxi';
        const name = `${banner} ${city.city} ${String.fromCharCode(65 + i)}${k + 1}`;
        const address = `${1 + Math.floor(rand() * 120)} ${STREETS[(i * perRep + k) % STREETS.length]}`;
        lines.push([`R${i + 1}-${String(k + 1).padStart(2, '0')}`, name, lat, lon, channel, reps[i].email, address,
          city.postcode, city.city, String(10 + Math.floor(rand() * 90)), '14', HOURS, HOURS, HOURS, HOURS, HOURS, HOURS, HOURS].join(';'));
      }
    }
    await api(admin, 'POST', '/api/v1/imports/stores', lines.join('\n') + '\n', { 'Content-Type': 'text/csv' });
    const stores = await listAll(admin, '/api/v1/stores');
    stores.sort((a, b) => (a.code < b.code ? -1 : 1));
    for (const s of stores) {
      const r = reps.find((x) => x.id === s.assigned_rep_id);
      r?.stores.push(s.id);
    }
    const prodCsv = ['sku,name,ean,brand,range,price', ...PRODUCTS.map(([sku, name, range, price]) => `${sku},${name},,Maison Boucle,${range},${price.toFixed(2)}`)];
    await api(admin, 'POST', '/api/v1/imports/products', prodCsv.join('\n') + '\n', { 'Content-Type': 'text/csv' });
    const products = (await listAll(admin, '/api/v1/products')).sort((a, b) => (a.sku < b.sku ? -1 : 1));
    // Assortment: every channel carries the Classique range; supers and hypers also Nouveau;
    // hypers also Protéine+.
    for (const p of products) {
      const chans = p.range === RANGES[0] ? ['hyper', 'super', 'proxi'] : p.range === RANGES[1] ? ['hyper', 'super'] : ['hyper'];
      for (const channel of chans) await api(admin, 'POST', '/api/v1/assortment-rules', { channel, product_id: p.id });
    }
    const managerToken = await login('manager@t.fr', PASSWORDS.manager);
    for (const r of reps) r.token = await login(r.email, r.password);
    let planId: number | null = null;
    if (opts.plan !== false) {
      const plan = await api(managerToken, 'POST', '/api/v1/plans', {
        rep_id: reps[0].id, start_date: isoDate(new Date()), days: opts.planDays ?? 5, seed: 1, time_limit_seconds: 2,
      });
      await api(managerToken, 'POST', `/api/v1/plans/${plan.id}/publish`);
      planId = plan.id;
    }
    world.tokens = { admin, manager: managerToken, reps: reps.map((r) => r.token) };
    world.ids = {
      admin: me.id, manager: mgr.id, reps: reps.map((r) => r.id), stores: stores.map((s) => s.id),
      storesByRep: reps.map((r) => r.stores), products: products.map((p) => p.id), planId,
    };
    world.reps = reps;
    world.manager = { id: mgr.id, email: 'manager@t.fr', password: PASSWORDS.manager };
  } catch (e) {
    await world.stop();
    throw e;
  }
  return world;
}


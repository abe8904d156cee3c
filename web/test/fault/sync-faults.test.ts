// Fault injection against the real server: 24 simulated phones (6 per rep, 4 reps), each the
// real SyncEngine on its own IndexedDB (fake-indexeddb), syncing through a network that loses
// replies, duplicates, reorders, delays and drops requests, while the server is SIGKILLed mid-push
// and restarted on the same database. Then: exactly once, convergence, clock skew, a territory
// change while offline, and a 14-day offline catch-up. Seeded: BOUCLE_FAULT_SEED=N to vary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, rng, type World } from '../support/world';
import { FaultyNet, FAKE_BASE } from '../support/faults';
import { Device, fakeJpeg, type Made } from '../support/device';

const SEED = Number(process.env.BOUCLE_FAULT_SEED ?? 42);
const DEVICES = 24;
const ROUNDS = Number(process.env.BOUCLE_FAULT_ROUNDS ?? 16);
const SKEWED = new Set([2, 7, 13, 20]);          // devices whose clock is 48 h ahead
const SKEW = 48 * 3600;
const KIND_OF: Record<Made['kind'], string> = { visit: 'visit', audit: 'audit', order: 'order', attachment: 'attachment', note: 'note', task: 'task' };

let world: World;
let net: FaultyNet;
let devices: Device[] = [];
const extra: Device[] = [];
const t0 = Date.now();
const log = (...a: unknown[]) => console.log(`[fault +${((Date.now() - t0) / 1000).toFixed(1)}s]`, ...a);

function canon(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x)
    ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x));
}

function makeDevice(i: number, repIndex: number, name = `dev${String(i).padStart(2, '0')}-rep${repIndex + 1}`, skew = 0): Device {
  return new Device({
    name, userId: world.ids.reps[repIndex], token: () => world.tokens.reps[repIndex], fetch: net.forDevice(name),
    baseUrl: FAKE_BASE, seed: SEED * 1000 + i, skewSeconds: skew,
  });
}

/** Server records (admin's changes feed), live ones, grouped by kind and client_id. */
async function serverByClientId(): Promise<Map<string, any[]>> {
  const feed = await world.changes(world.tokens.admin);
  const by = new Map<string, any[]>();
  for (const it of feed.values()) {
    if (it.deleted || !it.data?.client_id) continue;
    const k = `${it.kind}:${it.data.client_id}`;
    by.set(k, [...(by.get(k) ?? []), { ...it.data, id: it.id }]);
  }
  return by;
}

/** Compare a device's local copy with what the server's pull gives its user. */
async function expectConverged(d: Device, repIndex: number): Promise<void> {
  const { items } = await world.pullAll(world.tokens.reps[repIndex]);
  const server = new Map<string, unknown>();
  for (const it of items.values()) if (!it.deleted && it.kind !== 'sales') server.set(`${it.kind}:${it.id}`, { ...it.data, id: it.id });
  const local = await d.snapshot();
  const localKeys = [...local.keys()].sort();
  const serverKeys = [...server.keys()].sort();
  expect(localKeys.filter((k) => !server.has(k)), `${d.name}: records only on the device`).toEqual([]);
  expect(serverKeys.filter((k) => !local.has(k)), `${d.name}: records missing on the device`).toEqual([]);
  for (const k of serverKeys) expect(canon(local.get(k)), `${d.name} ${k}`).toBe(canon(server.get(k)));
}

beforeAll(async () => {
  world = await startWorld({ reps: 4, storesPerRep: 10, plan: true });
  net = new FaultyNet(world, SEED, { drop: 0.06, loseReply: 0.12, duplicate: 0.12, reorder: 0.1, delayMs: 60 });
  devices = Array.from({ length: DEVICES }, (_, i) => makeDevice(i, i % 4, undefined, SKEWED.has(i) ? SKEW : 0));
  log(`world at ${world.baseUrl}, ${DEVICES} devices, seed ${SEED}`);
});

afterAll(async () => {
  for (const d of [...devices, ...extra]) await d.close().catch(() => undefined);
  await world?.stop();
});

describe.sequential('sync against the real server under faults', () => {
  it('records streams of mutations through lost, duplicated, reordered, dropped requests and a SIGKILLed server', async () => {
    const products = world.ids.products;
    const photoPool = Array.from({ length: 6 }, (_, i) => fakeJpeg(rng(SEED + 500 + i), 2000 + i * 900)); // shared: dedup
    // First contact, under faults.
    await Promise.all(devices.map((d) => d.drain(60)));
    for (const d of devices) expect((await d.storeIds()).length, d.name).toBe(10);

    let killsArmed = 0;
    const runDevice = async (d: Device, i: number) => {
      for (let round = 0; round < ROUNDS; round++) {
        const stores = await d.storeIds();
        const store = d.pick(stores);
        const photos: Uint8Array[] = [];
        if (d.r() < 0.5) photos.push(d.r() < 0.5 ? d.pick(photoPool) : fakeJpeg(d.r, 1500 + Math.floor(d.r() * 6000)));
        await d.visit(store, products, { photos, audits: 1 + Math.floor(d.r() * 3) });
        if (d.r() < 0.4) await d.note(d.pick(stores));
        if (d.r() < 0.4) await d.task(d.pick(stores));
        if (d.r() < 0.25) await d.storeUpdate(d.pick(stores));
        // The server dies during a push every fifth round.
        if (i === 0 && round % 5 === 2) { net.armKill(); killsArmed++; }
        await d.sync();
        if (d.r() < 0.3) await d.sync();
        await new Promise((res) => setTimeout(res, 50 + Math.floor(d.r() * 150)));
      }
    };
    await Promise.all(devices.map((d, i) => runDevice(d, i)));
    log('faulty phase done', JSON.stringify(net.stats), `pushes answered under faults: ${net.pushes.answeredUnderFaults}`, net.log.join('; '));
    const pushesUnderFaults = net.pushes.answeredUnderFaults;

    // Faults stop; late copies arrive; every device syncs cleanly, then once more to pull the rest.
    net.enabled = false;
    await net.settled();
    await net.flushHeld();
    for (const d of devices) await d.drain();
    for (const d of devices) await d.drain();

    // The faults did happen (otherwise this test proves nothing).
    expect(killsArmed).toBeGreaterThanOrEqual(2);
    expect(net.stats.kills).toBe(killsArmed);
    expect(net.stats.loseReply).toBeGreaterThan(10);
    expect(net.stats.duplicate).toBeGreaterThan(10);
    expect(net.stats.reorder).toBeGreaterThan(3);
    expect(net.stats.lateDelivered).toBeGreaterThan(0);
    expect(net.stats.drop).toBeGreaterThan(5);
    expect(pushesUnderFaults, 'pushes that went through while faults were on').toBeGreaterThan(DEVICES * ROUNDS / 4);
    const dupAnswers = devices.reduce((s, d) => s + d.reports.reduce((t, r) => t + r.duplicates, 0), 0);
    expect(dupAnswers, 'the server answered duplicate to resent mutations').toBeGreaterThan(0);

    // Nothing left, nothing rejected (every store was in the device's territory).
    for (const d of devices) {
      expect(await d.engine.pending(), `${d.name} outbox`).toBe(0);
      expect(await d.db.rejected.toArray(), `${d.name} rejected`).toEqual([]);
      expect(await d.db.blobs.filter((b) => !b.complete).count(), `${d.name} blobs`).toBe(0);
    }

    // Exactly once: one server record per client id, and no other record with a client id.
    const server = await serverByClientId();
    const made = devices.flatMap((d) => d.made);
    const wanted = new Set(made.map((m) => `${KIND_OF[m.kind]}:${m.client_id}`));
    let multiple = 0;
    for (const m of made) {
      const recs = server.get(`${KIND_OF[m.kind]}:${m.client_id}`) ?? [];
      if (recs.length !== 1) multiple++;
      expect(recs.length, `${m.kind} ${m.client_id} from ${m.device}`).toBe(1);
      expect(recs[0].store_id, `${m.kind} ${m.client_id} store`).toBe(m.store_id);
    }
    expect(multiple).toBe(0);
    const unexpected = [...server.keys()].filter((k) => !wanted.has(k) && !k.startsWith('conflict:'));
    expect(unexpected, 'server records nobody made').toEqual([]);
    // Visits are done, with their report; audits and attachments point at their visit.
    const visitIdByClient = new Map<string, number>();
    for (const m of made.filter((x) => x.kind === 'visit')) {
      const v = server.get(`visit:${m.client_id}`)![0];
      visitIdByClient.set(m.client_id, v.id);
      expect(v.status, `visit ${m.client_id}`).toBe('done');
      expect(v.report).toBe(`report ${m.client_id.slice(0, 8)}`);
    }
    for (const m of made.filter((x) => x.kind === 'audit' || x.kind === 'attachment' || x.kind === 'order')) {
      const r = server.get(`${m.kind}:${m.client_id}`)![0];
      expect(r.visit_id, `${m.kind} ${m.client_id} visit`).toBe(visitIdByClient.get(m.visit_client_id!));
      if (m.kind === 'attachment') expect(r.sha256).toBe(m.extra!.sha256);
    }
    // Through the list endpoints too: each visit's audits by visit_id.
    const sample = made.filter((x) => x.kind === 'visit').slice(0, 12);
    for (const v of sample) {
      const audits = await world.listAll(world.tokens.admin, `/api/v1/audits?visit_id=${visitIdByClient.get(v.client_id)}`);
      const want = made.filter((x) => x.kind === 'audit' && x.visit_client_id === v.client_id).map((x) => x.client_id).sort();
      expect(audits.map((a) => a.client_id).sort()).toEqual(want);
    }
    const counts: Record<string, number> = {};
    for (const m of made) counts[m.kind] = (counts[m.kind] ?? 0) + 1;
    const pushed = devices.reduce((s, d) => s + d.reports.reduce((t, r) => t + r.pushed, 0), 0);
    log(`exactly once: ${made.length} records (${JSON.stringify(counts)}), ${pushed} mutation sends, ${dupAnswers} duplicate answers`);
  });

  it('every device converges to what the server gives its user', async () => {
    for (let i = 0; i < devices.length; i++) await expectConverged(devices[i], i % 4);
  });

  it('corrects 48 h clock skew: the engine sends device_time and check-ins land at the real time', async () => {
    const server = await serverByClientId();
    const skewedVisits = devices.filter((_, i) => SKEWED.has(i)).flatMap((d) => d.made.filter((m) => m.kind === 'visit'));
    expect(skewedVisits.length).toBeGreaterThan(0);
    const serverNow = Math.floor(Date.now() / 1000);
    const report: string[] = [];
    for (const m of skewedVisits) {
      const v = server.get(`visit:${m.client_id}`)![0];
      const at = Math.floor(Date.parse(v.checkin.at) / 1000);
      report.push(`${m.client_id.slice(0, 8)} device ${m.deviceAt! - m.realAt!}s ahead, server at − real at = ${at - m.realAt!}s`);
      expect(at, 'a check-in time in the future').toBeLessThanOrEqual(serverNow);
    }
    log(`skewed devices: ${net.pushes.withDeviceTime}/${net.pushes.total} pushes carried device_time`);
    expect(net.pushes.withDeviceTime, 'pushes must carry device_time (docs/SYNC.md, Clocks)').toBe(net.pushes.total);
    for (const m of skewedVisits) {
      const v = server.get(`visit:${m.client_id}`)![0];
      const at = Math.floor(Date.parse(v.checkin.at) / 1000);
      expect(Math.abs(at - m.realAt!), `visit ${m.client_id} check-in: ${report.join('\n')}`).toBeLessThanOrEqual(120);
    }
  });

  it('territory change while offline: the moved store leaves the old device, its work is rejected, the new rep gets it with its history', async () => {
    const d = devices[0];                        // rep 1
    const e = devices[1];                        // rep 2
    const rep1 = world.ids.reps[0];
    const rep2 = world.ids.reps[1];
    // The rep-1 store with the most history.
    const byStore = new Map<number, number>();
    for (const m of devices.flatMap((x) => x.made)) if (m.kind === 'visit' && world.ids.storesByRep[0].includes(m.store_id)) byStore.set(m.store_id, (byStore.get(m.store_id) ?? 0) + 1);
    const storeId = [...byStore.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
    expect(await d.db.stores.get(storeId)).toBeTruthy();
    expect(await e.db.stores.get(storeId)).toBeUndefined();

    net.offline.add(d.name);
    const store = await world.api(world.tokens.manager, 'GET', `/api/v1/stores/${storeId}`);
    await world.api(world.tokens.manager, 'PATCH', `/api/v1/stores/${storeId}`, { assigned_rep_id: rep2 }, { 'If-Match': `"${store.version}"` });
    const before = d.made.length;
    const vc = await d.visit(storeId, world.ids.products, { audits: 2, order: true, photos: [fakeJpeg(rng(SEED + 900), 3000)] });
    await d.note(storeId);
    await d.task(storeId);
    const offline = await d.sync();
    expect(offline.ok).toBe(false);
    expect(offline.offline).toBe(true);
    expect(await d.db.visits.where('client_id').equals(vc).count(), 'the offline visit is shown locally').toBe(1);

    net.offline.delete(d.name);
    await d.drain();
    const rejected = await d.db.rejected.toArray();
    const offlineMade = d.made.slice(before);
    log(`rejected on ${d.name}: ${rejected.map((r) => `${r.kind}: ${r.problem?.detail ?? r.problem?.title}`).join(' | ')}`);
    // Every mutation about the moved store was rejected, with the server's reason.
    const rejectedKinds = rejected.map((r) => r.kind).sort();
    expect(rejectedKinds).toContain('visit.checkin');
    expect(rejectedKinds).toContain('visit.checkout');
    expect(rejectedKinds).toContain('note.put');
    expect(rejectedKinds).toContain('task.put');
    expect(rejectedKinds.filter((k) => k === 'audit.create').length).toBe(offlineMade.filter((m) => m.kind === 'audit').length);
    for (const r of rejected) {
      expect(r.problem, `${r.kind} has a problem`).toBeTruthy();
      expect(String(r.problem.detail ?? r.problem.title ?? '')).not.toBe('');
    }
    // Nothing of it reached the server.
    const server = await serverByClientId();
    for (const m of offlineMade) expect(server.get(`${KIND_OF[m.kind]}:${m.client_id}`), `${m.kind} ${m.client_id}`).toBeUndefined();
    // The old device holds nothing of the store any more.
    expect(await d.db.stores.get(storeId)).toBeUndefined();
    for (const t of ['visits', 'audits', 'orders', 'attachments', 'notes', 'tasks']) {
      const left = (await d.db.table_(t).toArray()).filter((r) => r.store_id === storeId);
      expect(left, `${d.name} ${t} of the moved store`).toEqual([]);
    }
    for (const o of devices.filter((_, i) => i % 4 === 0 && i !== 0)) await o.drain();
    for (const o of devices.filter((_, i) => i % 4 === 0)) expect(await o.db.stores.get(storeId), o.name).toBeUndefined();
    // The new rep's device has the store and its history.
    await e.drain();
    const s = await e.db.stores.get(storeId);
    expect(s?.assigned_rep_id).toBe(rep2);
    const history = await world.listAll(world.tokens.admin, `/api/v1/visits?store_id=${storeId}`);
    const oldRepVisits = history.filter((v) => v.rep_id === rep1 || v.client_id);
    expect(oldRepVisits.length).toBeGreaterThan(0);
    const local = (await e.db.visits.where('store_id').equals(storeId).toArray()).map((v) => v.id).sort();
    expect(local).toEqual(history.map((v) => v.id).sort());
    const audits = await world.listAll(world.tokens.admin, `/api/v1/audits?store_id=${storeId}`);
    expect((await e.db.audits.where('store_id').equals(storeId).toArray()).map((a) => a.id).sort()).toEqual(audits.map((a) => a.id).sort());
    await expectConverged(d, 0);
    await expectConverged(e, 1);
    // Put the store back for the rest of the run.
    const now = await world.api(world.tokens.manager, 'GET', `/api/v1/stores/${storeId}`);
    await world.api(world.tokens.manager, 'PATCH', `/api/v1/stores/${storeId}`, { assigned_rep_id: rep1 }, { 'If-Match': `"${now.version}"` });
  });

  it('14 days offline, 600 changes with 300 photos, then one catch-up sync', async () => {
    const rep = 3;
    const f = makeDevice(100, rep, 'catchup-rep4');
    extra.push(f);
    await f.drain();
    net.offline.add(f.name);
    const r = rng(SEED + 77);
    const stores = await f.storeIds();
    const start = f.now() - 14 * 86400;
    let photos = 0;
    let bytes = 0;
    for (let day = 0; day < 14 && photos < 300; day++) {
      for (let k = 0; k < 4 && photos < 300; k++) {
        const at = start + day * 86400 + 8 * 3600 + k * 5400;
        const pics = Array.from({ length: Math.min(6, 300 - photos) }, () => fakeJpeg(r, 30000 + Math.floor(r() * 30000)));
        photos += pics.length;
        bytes += pics.reduce((s, p) => s + p.length, 0);
        await f.visit(stores[(day * 4 + k) % stores.length], world.ids.products, { photos: pics, at, audits: 2, order: true });
      }
    }
    let count = await f.engine.pending();
    while (count < 600) { await f.note(stores[count % stores.length]); await f.task(stores[(count + 3) % stores.length]); count = await f.engine.pending(); }
    count = await f.engine.pending();
    expect(photos).toBe(300);
    expect(count).toBeGreaterThanOrEqual(600);
    net.offline.delete(f.name);
    const t = performance.now();
    const rep_ = await f.sync();
    const ms = performance.now() - t;
    log(`catch-up: ${count} mutations, ${photos} photos (${(bytes / 1e6).toFixed(1)} MB) in one sync: ${(ms / 1000).toFixed(2)} s ` +
      `(uploaded ${rep_.uploaded}, pushed ${rep_.pushed}, applied ${rep_.applied}, pulled ${rep_.pulled})`);
    expect(rep_.ok, JSON.stringify(rep_)).toBe(true);
    expect(await f.engine.pending()).toBe(0);
    expect(rep_.uploaded).toBe(300);
    expect(rep_.applied).toBe(count);
    const server = await serverByClientId();
    for (const m of f.made) expect(server.get(`${KIND_OF[m.kind]}:${m.client_id}`)?.length, `${m.kind} ${m.client_id}`).toBe(1);
    await expectConverged(f, rep);
  });
});

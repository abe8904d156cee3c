// 1,000 simulated devices syncing against one server: lightweight protocol clients (not full
// engines), sharing one token per rep. Each device pushes a visit of 5 mutations (check-in,
// 2 audits, an order, check-out) under its own device id, then pulls from the cursor it had
// (following has_more). BOUCLE_CLIENTS (1000) and BOUCLE_CONCURRENCY (100) change the load.
// Writes bench/results/clients.json.
import { it, expect } from 'vitest';
import { startWorld, rng } from '../test/support/world';
import { seededUuid } from '../test/support/device';
import { median, percentile, save, table } from './common';

const CLIENTS = Number(process.env.BOUCLE_CLIENTS ?? 1000);
const CONCURRENCY = Number(process.env.BOUCLE_CONCURRENCY ?? 100);

it(`${CLIENTS} clients sync against one server`, async () => {
  const world = await startWorld({ reps: 4, storesPerRep: 10, plan: false });
  try {
    const iso = (t: number) => new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    // Where every device's copy stands before the run (they all synced before).
    const cursors = await Promise.all(world.tokens.reps.map(async (tok) => (await world.pullAll(tok)).cursor));
    const latencies = { push: [] as number[], pull: [] as number[] };
    let errors = 0;
    const errorSamples: string[] = [];
    let requests = 0;
    let done = 0;
    let pulledItems = 0;
    const r = rng(7);
    const t0 = performance.now();
    const call = async (kind: 'push' | 'pull', token: string, method: string, path: string, body?: unknown) => {
      const t = performance.now();
      requests++;
      try {
        const res = await fetch(world.baseUrl + path, {
          method, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body ? { 'Content-Type': 'application/json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
        const text = await res.text();
        latencies[kind].push(performance.now() - t);
        if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 200)}`);
        return JSON.parse(text);
      } catch (e) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(`${method} ${path}: ${String(e)}`);
        return null;
      }
    };
    const device = async (i: number) => {
      const rep = i % world.reps.length;
      const token = world.tokens.reps[rep];
      const stores = world.ids.storesByRep[rep];
      const products = world.ids.products;
      const store = stores[i % stores.length];
      const now = Math.floor(Date.now() / 1000);
      const v = seededUuid(r);
      const mutations = [
        { n: 1, kind: 'visit.checkin', data: { client_id: v, store_id: store, type: 'quick', at: iso(now - 1800), lat: 45.76, lon: 4.83, reason: 'bench' } },
        { n: 2, kind: 'audit.create', data: { client_id: seededUuid(r), visit_client_id: v, product_id: products[i % 5], present: true, facings: 3, out_of_stock: false, promo: false } },
        { n: 3, kind: 'audit.create', data: { client_id: seededUuid(r), visit_client_id: v, product_id: products[5 + (i % 5)], present: false, facings: 0, out_of_stock: true, promo: false } },
        { n: 4, kind: 'order.create', data: { client_id: seededUuid(r), visit_client_id: v, store_id: store, lines: [{ product_id: products[i % 10], quantity: 6 }] } },
        { n: 5, kind: 'visit.checkout', data: { visit_client_id: v, at: iso(now - 600), report: 'bench', next_steps: '' } },
      ];
      const reply = await call('push', token, 'POST', '/api/v1/sync/push', { device_id: `bench-device-${i}`, device_time: iso(now), mutations });
      if (reply && reply.last_applied !== 5) { errors++; if (errorSamples.length < 5) errorSamples.push(`device ${i}: last_applied ${reply.last_applied}`); }
      let cursor = cursors[rep];
      for (let page = 0; page < 100; page++) {
        const p = await call('pull', token, 'GET', `/api/v1/sync/pull?cursor=${cursor}&limit=500`);
        if (!p) break;
        pulledItems += p.items.length;
        cursor = p.cursor;
        if (!p.has_more) break;
      }
      done++;
      if (done % 100 === 0) console.log(`  ${done}/${CLIENTS} devices synced, ${errors} errors, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    };
    let next = 0;
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, CLIENTS) }, async () => {
      while (next < CLIENTS) await device(next++);
    }));
    const total = (performance.now() - t0) / 1000;
    const all = [...latencies.push, ...latencies.pull];
    // Every visit arrived exactly once.
    const visits = (await world.listAll(world.tokens.admin, '/api/v1/visits?status=done')).filter((v) => v.report === 'bench');
    const f = (x: number) => `${x.toFixed(1)} ms`;
    table(`${CLIENTS} clients, concurrency ${CONCURRENCY} (push of 5 mutations + pull)`, [
      ['errors', errors],
      ['total time', `${total.toFixed(2)} s`],
      ['requests', requests],
      ['requests/s', (requests / total).toFixed(0)],
      ['devices/s', (CLIENTS / total).toFixed(0)],
      ['mutations applied/s', ((CLIENTS * 5) / total).toFixed(0)],
      ['push latency p50 / p99', `${f(percentile(latencies.push, 50))} / ${f(percentile(latencies.push, 99))}`],
      ['pull latency p50 / p99', `${f(percentile(latencies.pull, 50))} / ${f(percentile(latencies.pull, 99))}`],
      ['all latency p50 / p99 / max', `${f(percentile(all, 50))} / ${f(percentile(all, 99))} / ${f(Math.max(...all))}`],
      ['pull items received', pulledItems],
      ['visits on the server', visits.length],
    ]);
    if (errorSamples.length) console.log('errors:', errorSamples.join('\n'));
    save(CONCURRENCY === 100 && CLIENTS === 1000 ? 'clients' : `clients-${CLIENTS}-c${CONCURRENCY}`, {
      clients: CLIENTS, concurrency: CONCURRENCY, errors, total_s: total, requests, requests_per_s: requests / total,
      push_ms: { p50: percentile(latencies.push, 50), p99: percentile(latencies.push, 99), median: median(latencies.push) },
      pull_ms: { p50: percentile(latencies.pull, 50), p99: percentile(latencies.pull, 99) },
      all_ms: { p50: percentile(all, 50), p99: percentile(all, 99), max: Math.max(...all) },
      pulled_items: pulledItems, visits: visits.length,
    });
    expect(errors).toBe(0);
    expect(visits.length).toBe(CLIENTS);
  } finally {
    await world.stop();
  }
});

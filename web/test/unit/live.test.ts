// Against a running server (skipped unless BOUCLE_URL is set), e.g.
//   BOUCLE_URL=http://127.0.0.1:18081 npx vitest run test/unit/live.test.ts
import { describe, expect, it } from 'vitest';
import { BoucleDb } from '../../src/db';
import { SyncEngine } from '../../src/sync/engine';
import { sha256Hex, uuid } from '../../src/sync/ids';
import { deviceTime } from '../../src/sync/optimistic';

const URL_ = process.env.BOUCLE_URL;
const EMAIL = process.env.BOUCLE_EMAIL ?? 'rep1@boucle.test';
const PASSWORD = process.env.BOUCLE_PASSWORD ?? 'rep1-demo-2026';

describe.skipIf(!URL_)('live server', () => {
  it('pulls the territory, the plan, and pushes a whole visit', async () => {
    const login = await fetch(`${URL_}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email: EMAIL, password: PASSWORD }) });
    const { token, user } = await login.json();
    const db = new BoucleDb(`live-${Date.now()}`);
    const engine = new SyncEngine({ db, baseUrl: URL_, token: () => token, userId: () => user.id });
    const t0 = Date.now();
    const r1 = await engine.sync();
    console.log('first sync', r1, Date.now() - t0, 'ms');
    expect(r1.error).toBeUndefined();
    expect(r1.ok).toBe(true);
    const counts: Record<string, number> = {};
    for (const t of ['stores', 'products', 'assortment_rules', 'visits', 'audits', 'orders', 'sales', 'users', 'campaigns', 'plans']) counts[t] = await db.table(t).count();
    console.log(counts);
    expect(counts.stores).toBeGreaterThan(0);
    const plan = await db.plans.toCollection().first();
    console.log('plan', plan?.id, plan?.start_date, plan?.days?.length, JSON.stringify(plan?.days?.[0]?.stops?.[0]));

    const store = (await db.stores.toArray())[0];
    const product = (await db.products.toArray())[0];
    const v = uuid();
    const now = Math.floor(Date.now() / 1000);
    await engine.enqueue('visit.checkin', { client_id: v, store_id: store.id, type: 'quick', at: deviceTime(now - 600), lat: store.lat + 0.01, lon: store.lon, reason: 'test far' });
    await engine.enqueue('audit.create', { client_id: uuid(), visit_client_id: v, product_id: product.id, present: true, facings: 3, shelf_price_cents: 249, out_of_stock: false, promo: false });
    await engine.enqueue('order.create', { client_id: uuid(), visit_client_id: v, store_id: store.id, lines: [{ product_id: product.id, quantity: 2 }] });
    await engine.enqueue('note.put', { client_id: uuid(), store_id: store.id, text: 'note from the live test' });
    await engine.enqueue('task.put', { client_id: uuid(), store_id: store.id, title: 'live task', done: false });
    const bytes = new Uint8Array(300000).map((_, i) => (i * 13 + now) % 256);
    const sha = await sha256Hex(bytes);
    await db.blobs.put({ sha256: sha, blob: new Blob([bytes], { type: 'image/jpeg' }), content_type: 'image/jpeg', size: bytes.length, filename: 'live.jpg', uploaded: 0, complete: false, created_at: now });
    await engine.enqueue('attachment.create', { client_id: uuid(), visit_client_id: v, store_id: store.id, sha256: sha, content_type: 'image/jpeg', size_bytes: bytes.length, filename: 'live.jpg' });
    await engine.enqueue('store.update', { store_id: store.id, base: { city: store.city }, changes: { city: store.city } });
    await engine.enqueue('visit.checkout', { visit_client_id: v, at: deviceTime(now), report: 'live report', next_steps: '' });
    await engine.enqueue('visit.checkin', { client_id: uuid(), store_id: 99999999, type: 'quick', at: deviceTime(now), lat: 0, lon: 0 });
    const r2 = await engine.sync();
    console.log('second sync', r2, JSON.stringify((await db.rejected.toArray()).map((r) => [r.kind, r.problem?.detail, r.problem?.errors])));
    expect(await engine.pending()).toBe(0);
    expect(r2.rejected).toBe(1);
    const visit = (await db.visits.where('client_id').equals(v).toArray())[0];
    console.log('visit', JSON.stringify(visit));
    expect(typeof visit.id).toBe('number');
    expect(visit.status).toBe('done');
    expect(await db.audits.where('visit_id').equals(visit.id).count()).toBe(1);
    expect((await db.attachments.where('sha256').equals(sha).toArray()).length).toBe(1);
    const notes = await db.notes.where('store_id').equals(store.id).toArray();
    console.log('note', JSON.stringify(notes[notes.length - 1]));
    const tasks = await db.tasks.where('store_id').equals(store.id).toArray();
    console.log('task', JSON.stringify(tasks[tasks.length - 1]));
    expect(notes.some((n) => typeof n.id === 'number' && n.text === 'note from the live test')).toBe(true);
  }, 120000);
});

// End to end, in Debian's Chromium (playwright-core) at phone size against the real server:
// a rep logs in, sees "My week", goes offline, does a whole visit (check-in, audits, a photo,
// an order found by search, the report, check-out), reloads offline (the service worker serves
// the shell), comes back online and syncs; the manager sees the visit; then a store-name
// conflict between the manager (API) and the rep (offline edit) is raised and resolved.
// Screenshots of each step go to web/test-results/screenshots/, copied to docs/screenshots/
// after a successful run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { cpSync, mkdirSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startWorld, WEB_DIR, type World } from '../support/world';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const SHOTS = join(WEB_DIR, 'test-results', 'screenshots');
const DOCS_SHOTS = process.env.BOUCLE_DOCS_SCREENSHOTS ?? join(WEB_DIR, '..', 'docs', 'screenshots');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let world: World;
const entry = '/';   // where the app is opened
let browser: Browser;
let rep: BrowserContext;
let page: Page;
let shot = 0;
let passed = 0; // steps that passed: screenshots are published only after all of them
const state: {
  storeId?: number; storeName?: string; visitClientId?: string; pending?: number; audits?: number;
  conflictStore?: number;
} = {};

async function screenshot(p: Page, name: string): Promise<void> {
  shot++;
  await p.waitForTimeout(150); // let the last render settle
  await p.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`) });
}

const tid = (p: Page, id: string) => p.getByTestId(id);

async function pendingCount(p: Page): Promise<number> {
  return Number(await tid(p, 'sync-badge').getAttribute('data-pending'));
}

async function waitPending(p: Page, pred: (n: number) => boolean, timeout = 30000): Promise<number> {
  const end = Date.now() + timeout;
  for (;;) {
    const n = await pendingCount(p).catch(() => NaN);
    if (pred(n)) return n;
    if (Date.now() > end) throw new Error(`pending count stuck at ${n}`);
    await p.waitForTimeout(200);
  }
}

beforeAll(async () => {
  if (!existsSync(join(WEB_DIR, 'dist', 'index.html'))) throw new Error('web/dist is missing: run npm run build first');
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  world = await startWorld({ reps: 2, storesPerRep: 10, plan: true });
  // The server serves the app at "/" (it used to answer a placeholder page there).
  const root = await (await fetch(world.baseUrl + '/')).text();
  if (!root.includes('/assets/')) throw new Error('GET / does not serve web/dist/index.html with --web-root');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
});

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await world?.stop();
});

/** Steps build on each other: after a failed step, the next ones fail at once. */
function need(step: number): void {
  if (passed < step - 1) throw new Error(`step ${passed + 1} failed; not running step ${step}`);
}

async function phoneContext(lat: number, lon: number): Promise<BrowserContext> {
  const ctx = await browser.newContext({
    viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, hasTouch: true, isMobile: true, locale: 'fr-FR',
    geolocation: { latitude: lat, longitude: lon, accuracy: 15 }, permissions: ['geolocation'],
    timezoneId: 'Europe/Paris',
  });
  ctx.setDefaultTimeout(15000);
  return ctx;
}

async function login(p: Page, email: string, password: string): Promise<void> {
  await p.goto(world.baseUrl + entry);
  await tid(p, 'login-email').fill(email);
  await tid(p, 'login-password').fill(password);
}

describe.sequential('a rep works offline, the manager sees it', () => {
  it('1. the rep logs in and sees "My week" with why and what to do', async () => {
    need(1);
    const plan = await world.api(world.tokens.manager, 'GET', `/api/v1/plans/${world.ids.planId}`);
    const first = plan.days.flatMap((d: any) => d.stops)[0];
    expect(first, 'the published plan has stops').toBeTruthy();
    const store = await world.api(world.tokens.admin, 'GET', `/api/v1/stores/${first.store_id}`);
    state.storeId = store.id;
    state.storeName = store.name;
    // Standing in the store (~20 m away).
    rep = await phoneContext(store.lat + 0.0002, store.lon);
    page = await rep.newPage();
    await login(page, world.reps[0].email, world.reps[0].password);
    await screenshot(page, 'login');
    await tid(page, 'login-submit').click();
    await expect.poll(() => tid(page, 'week-stop').count(), { timeout: 20000 }).toBeGreaterThan(0);
    const stop = tid(page, 'week-stop').first();
    expect(await stop.getAttribute('data-store-id')).toBe(String(store.id));
    // The planner's reason, said in French (docs: web/src/rep/logic.ts whyText).
    expect(first.why).toBe('never visited');
    expect(await stop.locator('.why').innerText()).toContain('jamais visité');
    expect(first.todo).toBeTruthy();
    expect(await stop.locator('.todo').innerText()).toContain(first.type === 'deep' ? 'Visite approfondie :' : 'Visite rapide :');
    // The service worker controls the page before we go offline.
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload();
    await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15000 }).toBe(true);
    await expect.poll(() => tid(page, 'week-stop').count()).toBeGreaterThan(0);
    await waitPending(page, (n) => n === 0);
    await screenshot(page, 'my-week');
    passed++;
  });

  it('2. offline: check-in, audits, a photo, an order, the report, check-out; the badge counts the changes', async () => {
    need(2);
    await rep.setOffline(true);
    await tid(page, 'week-stop').first().getByTestId('stop-start').click();
    await tid(page, 'checkin-distance').waitFor();
    expect(Number(await tid(page, 'checkin-distance').getAttribute('data-metres'))).toBeLessThan(300);
    await screenshot(page, 'checkin');
    await tid(page, 'checkin').click();
    await tid(page, 'visit').waitFor();
    state.visitClientId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]);
    expect(state.visitClientId).toMatch(/^[0-9a-f-]{36}$/);
    // Audits of the expected products: the first one by hand (absent), the rest with "save all".
    const rows = tid(page, 'audit-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    const expected = await rows.count();
    const firstRow = rows.first();
    await firstRow.getByTestId('audit-present').click();
    await firstRow.getByTestId('audit-save').click();
    await expect.poll(() => page.locator('[data-testid="audit-row"][data-saved="1"]').count()).toBe(1);
    const second = page.locator('[data-testid="audit-row"][data-saved="0"]').first();
    await second.getByTestId('audit-price').fill('2,59');
    await second.getByTestId('audit-promo').click();
    if (await tid(page, 'audit-save-all').count()) await tid(page, 'audit-save-all').click();
    else await second.getByTestId('audit-save').click();
    await expect.poll(() => page.locator('[data-testid="audit-row"][data-saved="1"]').count()).toBe(expected);
    state.audits = expected;
    await screenshot(page, 'audits');
    // A photo: a real JPEG drawn by the browser's canvas.
    const b64 = await page.evaluate(() => {
      const c = document.createElement('canvas');
      c.width = 640; c.height = 480;
      const g = c.getContext('2d')!;
      g.fillStyle = '#e8d9b5'; g.fillRect(0, 0, 640, 480);
      for (let i = 0; i < 6; i++) { g.fillStyle = ['#b5523b', '#3b6eb5', '#4f9a4a'][i % 3]; g.fillRect(30 + i * 100, 120, 80, 240); }
      g.fillStyle = '#222'; g.font = '28px sans-serif'; g.fillText('Rayon biscuits', 20, 60);
      return c.toDataURL('image/jpeg', 0.8).split(',')[1];
    });
    await tid(page, 'photo-input').setInputFiles({ name: 'rayon.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(b64, 'base64') });
    await expect.poll(() => tid(page, 'photo-thumb').count()).toBe(1);
    await page.locator('[data-testid="photo-thumb"] img').waitFor();
    await screenshot(page, 'photo');
    // An order through the product search.
    await tid(page, 'order-search').fill('chocolat');
    await tid(page, 'order-result').first().click();
    await tid(page, 'order-search').fill('BIS-003');
    await tid(page, 'order-result').first().click();
    await expect.poll(() => tid(page, 'order-line').count()).toBe(2);
    await tid(page, 'order-qty').first().fill('6');
    await tid(page, 'order-qty').first().dispatchEvent('change');
    await expect.poll(() => tid(page, 'order-total').innerText()).toMatch(/2[1-9],\d\d|[3-9]\d,\d\d/);
    await screenshot(page, 'order');
    await tid(page, 'order-submit').click();
    await tid(page, 'order-recorded').waitFor();
    await tid(page, 'visit-report').fill('Rayon bien tenu. Rupture sur le premier produit, commande passée.');
    await screenshot(page, 'report');
    await tid(page, 'checkout').click();
    await page.waitForURL(/#\/week/);
    const pending = await waitPending(page, (n) => n >= 5);
    // check-in + audits + attachment + order + check-out
    expect(pending).toBe(1 + expected + 1 + 1 + 1);
    state.pending = pending;
    expect(await tid(page, 'sync-badge').getAttribute('data-online')).toBe('0');
    await tid(page, 'sync-pending').waitFor();
    await screenshot(page, 'offline-pending');
    passed++;
  });

  it('3. reloaded offline, the shell comes from the service worker and the work is still there', async () => {
    need(3);
    await page.reload();
    await tid(page, 'sync-badge').waitFor();
    expect(await waitPending(page, (n) => n === state.pending)).toBe(state.pending);
    const stop = page.locator(`[data-testid="week-stop"][data-store-id="${state.storeId}"]`);
    await expect.poll(() => stop.getAttribute('data-state')).not.toBe('planned');
    await screenshot(page, 'offline-reload-week');
    await page.goto(`${world.baseUrl}${entry}#/visit/${state.visitClientId}`);
    await tid(page, 'visit-done').waitFor();
    expect(await tid(page, 'visit').getAttribute('data-status')).toBe('done');
    await screenshot(page, 'offline-reload-visit');
    // Nothing reached the server yet.
    const visits = await world.listAll(world.tokens.admin, `/api/v1/visits?store_id=${state.storeId}`);
    expect(visits.filter((v) => v.client_id === state.visitClientId)).toEqual([]);
    passed++;
  });

  it('4. back online, the app syncs by itself: nothing pending', async () => {
    need(4);
    await rep.setOffline(false);
    await waitPending(page, (n) => n === 0, 45000);
    expect(await tid(page, 'sync-badge').getAttribute('data-rejected')).toBe('0');
    // A photo no longer on the device (another phone's, or past its 14 days) comes from the
    // server, fetched with the token.
    await page.evaluate(() => new Promise<void>((resolve, reject) => {
      const open = indexedDB.open('boucle');
      open.onsuccess = () => {
        const tx = open.result.transaction('blobs', 'readwrite');
        tx.objectStore('blobs').clear();
        tx.oncomplete = () => { open.result.close(); resolve(); };
        tx.onerror = () => reject(tx.error);
      };
      open.onerror = () => reject(open.error);
    }));
    await page.goto(`${world.baseUrl}${entry}#/visit/${state.visitClientId}`);
    await page.reload();
    const img = page.locator('[data-testid="photo-thumb"] img');
    await img.waitFor({ timeout: 20000 });
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBeGreaterThan(0);
    await page.goto(`${world.baseUrl}${entry}#/week`);
    await tid(page, 'week-stop').first().waitFor();
    await screenshot(page, 'online-synced');
    passed++;
  });

  it('5. the manager sees the visit; the API has it exactly once with its audits, order and photo', async () => {
    need(5);
    const mgr = await phoneContext(45.76, 4.83);
    try {
      const p = await mgr.newPage();
      await login(p, world.manager.email, world.manager.password);
      await tid(p, 'login-submit').click();
      const item = tid(p, 'mgr-activity-item').filter({ hasText: state.storeName! });
      await expect.poll(() => item.count(), { timeout: 20000 }).toBeGreaterThan(0);
      await item.first().scrollIntoViewIfNeeded();
      await screenshot(p, 'manager-activity');
      // Opened, the visit shows its report, its order and its photo (fetched with the token).
      await item.first().click();
      const detail = tid(p, 'mgr-visit-detail');
      await detail.waitFor({ timeout: 20000 });
      expect(await detail.innerText()).toContain('Rayon bien tenu');
      await expect.poll(() => tid(p, 'mgr-visit-order').innerText(), { timeout: 20000 }).toMatch(/6 ×/);
      const photo = tid(p, 'mgr-visit-photo');
      await photo.waitFor({ timeout: 20000 });
      await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
      await detail.scrollIntoViewIfNeeded();
      await screenshot(p, 'manager-visit-detail');
    } finally {
      await mgr.close();
    }
    const visits = (await world.listAll(world.tokens.admin, `/api/v1/visits?store_id=${state.storeId}`)).filter((v) => v.client_id === state.visitClientId);
    expect(visits).toHaveLength(1);
    const v = visits[0];
    expect(v.status).toBe('done');
    expect(v.report).toContain('Rayon bien tenu');
    expect(v.checkin.far).toBe(false);
    const audits = await world.listAll(world.tokens.admin, `/api/v1/audits?visit_id=${v.id}`);
    expect(audits).toHaveLength(state.audits!);
    expect(new Set(audits.map((a) => a.product_id)).size).toBe(state.audits);
    expect(audits.filter((a) => !a.present)).toHaveLength(1);
    expect(audits.filter((a) => a.shelf_price_cents === 259 && a.promo)).toHaveLength(1);
    const orders = (await world.listAll(world.tokens.admin, `/api/v1/orders?store_id=${state.storeId}`)).filter((o) => o.visit_id === v.id);
    expect(orders).toHaveLength(1);
    expect(orders[0].lines).toHaveLength(2);
    expect(orders[0].lines.map((l: any) => l.quantity).sort()).toEqual([1, 6]);
    const feed = await world.changes(world.tokens.admin);
    const atts = [...feed.values()].filter((it) => it.kind === 'attachment' && !it.deleted && it.data.visit_id === v.id);
    expect(atts).toHaveLength(1);
    const res = await fetch(`${world.baseUrl}/api/v1/blobs/${atts[0].data.sha256}`, { headers: { Authorization: `Bearer ${world.tokens.manager}` } });
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(bytes.length).toBe(atts[0].data.size_bytes);
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]); // a JPEG
    passed++;
  });

  it('6. a conflict: the manager renames a store while the rep edits it offline; seen, then resolved', async () => {
    need(6);
    const storeId = world.ids.storesByRep[0][1];
    state.conflictStore = storeId;
    const before = await world.api(world.tokens.admin, 'GET', `/api/v1/stores/${storeId}`);
    await page.goto(`${world.baseUrl}${entry}#/store/${storeId}`);
    await tid(page, 'edit-store').waitFor();
    await rep.setOffline(true);
    await tid(page, 'edit-store').click();
    const repName = `${before.name} (entrée rue Mercière)`;
    await tid(page, 'edit-name').fill(repName);
    await screenshot(page, 'conflict-rep-edit-offline');
    await tid(page, 'edit-save').click();
    await waitPending(page, (n) => n === 1);
    // Meanwhile the manager renames it.
    const mgrName = `${before.name} — Carrefour City`;
    await world.api(world.tokens.manager, 'PATCH', `/api/v1/stores/${storeId}`, { name: mgrName }, { 'If-Match': `"${before.version}"` });
    await rep.setOffline(false);
    await waitPending(page, (n) => n === 0, 45000);
    await tid(page, 'conflict').waitFor({ timeout: 30000 });
    const text = await tid(page, 'conflict').innerText();
    expect(text).toContain(repName);
    expect(text).toContain(mgrName);
    // The server kept its value for now and recorded an open conflict.
    expect((await world.api(world.tokens.admin, 'GET', `/api/v1/stores/${storeId}`)).name).toBe(mgrName);
    const open = await world.listAll(world.tokens.manager, '/api/v1/conflicts?status=open');
    const mine = open.filter((c) => c.store_id === storeId);
    expect(mine).toHaveLength(1);
    await tid(page, 'conflicts').scrollIntoViewIfNeeded();
    await screenshot(page, 'conflict-rep-sees');
    // The manager's conflicts view shows it too, and stays open while the rep settles it.
    const mgr = await phoneContext(45.76, 4.83);
    try {
      const p = await mgr.newPage();
      await login(p, world.manager.email, world.manager.password);
      await tid(p, 'login-submit').click();
      await p.waitForURL(/#\/manager/);
      await p.goto(`${world.baseUrl}${entry}#/manager/conflicts`);
      await expect.poll(() => tid(p, 'mgr-conflict').count(), { timeout: 20000 }).toBe(1);
      await screenshot(p, 'conflict-manager-view');
      // The rep keeps their value.
      await tid(page, 'conflict-keep-client').click();
      await expect.poll(async () => (await world.api(world.tokens.admin, 'GET', `/api/v1/stores/${storeId}`)).name, { timeout: 20000 }).toBe(repName);
      const after = await world.listAll(world.tokens.manager, '/api/v1/conflicts?status=open');
      expect(after.filter((c) => c.store_id === storeId)).toEqual([]);
      // Real time: the manager's page hears of it through the event stream, with no reload.
      await expect.poll(() => tid(p, 'mgr-conflict').count(), { timeout: 10000 }).toBe(0);
    } finally {
      await mgr.close();
    }
    await expect.poll(() => tid(page, 'conflict').count(), { timeout: 20000 }).toBe(0);
    await expect.poll(() => page.locator('h1').first().innerText(), { timeout: 20000 }).toContain(repName);
    await screenshot(page, 'conflict-resolved');
    passed++;
  });

  // The screenshots stay in web/test-results (the run's artefacts); with
  // BOUCLE_UPDATE_SCREENSHOTS=1 they also replace the reviewed set in docs/screenshots.
  it('keeps the screenshots', () => {
    expect(passed, 'every step passed').toBe(6);
    const files = readdirSync(SHOTS).filter((f) => f.endsWith('.png'));
    expect(files.length).toBeGreaterThanOrEqual(14);
    if (process.env.BOUCLE_UPDATE_SCREENSHOTS !== '1') return;
    mkdirSync(DOCS_SHOTS, { recursive: true });
    for (const f of readdirSync(DOCS_SHOTS)) if (/^\d\d-.*\.png$/.test(f)) rmSync(join(DOCS_SHOTS, f));
    for (const f of files) cpSync(join(SHOTS, f), join(DOCS_SHOTS, f));
  });
});

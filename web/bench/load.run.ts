// First load in Chromium (playwright-core) on loopback against the real server, cold cache (a
// fresh browser context each run): time to an interactive login screen, then time from pressing
// "log in" to "My week" showing the published plan. Median of 5 runs (BOUCLE_RUNS).
// Needs web/dist (npm run build). Writes bench/results/load.json.
import { it, expect } from 'vitest';
import { chromium } from 'playwright-core';
import { startWorld } from '../test/support/world';
import { median, save, table } from './common';

const RUNS = Number(process.env.BOUCLE_RUNS ?? 5);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

it('first load: login screen, then My week', async () => {
  const world = await startWorld({ reps: 1, storesPerRep: 10, plan: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ARGS });
  const root = await (await fetch(world.baseUrl + '/')).text();
  expect(root, 'GET / serves the web app').toContain('/assets/');
  const entry = '/';
  const runs: Record<string, number>[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const ctx = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
      const page = await ctx.newPage();
      let bytes = 0;
      page.on('response', (r) => { void r.body().then((b) => { bytes += b.length; }).catch(() => undefined); });
      const t0 = performance.now();
      await page.goto(world.baseUrl + entry, { waitUntil: 'commit' });
      const submit = page.getByTestId('login-submit');
      await submit.waitFor({ state: 'visible' });
      await expect.poll(() => submit.isEnabled(), { interval: 5 }).toBe(true);
      const login = performance.now() - t0;
      const nav = await page.evaluate(() => {
        const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return { dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd };
      });
      await page.getByTestId('login-email').fill(world.reps[0].email);
      await page.getByTestId('login-password').fill(world.reps[0].password);
      const t1 = performance.now();
      await submit.click();
      await page.getByTestId('week-stop').first().waitFor({ state: 'visible', timeout: 30000 });
      const week = performance.now() - t1;
      runs.push({ login_interactive_ms: login, dom_content_loaded_ms: nav.dcl, load_ms: nav.load, week_after_login_ms: week, bytes });
      console.log(`  run ${i + 1}/${RUNS}: login screen ${login.toFixed(0)} ms (DCL ${nav.dcl.toFixed(0)}, load ${nav.load.toFixed(0)}), My week ${week.toFixed(0)} ms after login`);
      await ctx.close();
    }
  } finally {
    await browser.close();
    await world.stop();
  }
  const med = (k: string) => median(runs.map((r) => r[k]));
  table(`First load, cold cache, loopback (median of ${RUNS})`, [
    ['login screen interactive', `${med('login_interactive_ms').toFixed(0)} ms`],
    ['DOMContentLoaded', `${med('dom_content_loaded_ms').toFixed(0)} ms`],
    ['load event', `${med('load_ms').toFixed(0)} ms`],
    ['"My week" after log in', `${med('week_after_login_ms').toFixed(0)} ms (includes the ~0.1 s argon2 login, the first pull and the plan)`],
  ]);
  save('load', {
    runs, entry,
    median: { login_interactive_ms: med('login_interactive_ms'), dom_content_loaded_ms: med('dom_content_loaded_ms'), load_ms: med('load_ms'), week_after_login_ms: med('week_after_login_ms') },
  });
});

// Catch-up after 14 days offline: one real SyncEngine (fake-indexeddb in Node) holds 600 changes
// including 300 photos of 30–60 KB, then syncs once: uploads, pushes, pulls. Median of 3 runs,
// each on a fresh device of another rep of the same server. Writes bench/results/catchup.json.
import { it, expect } from 'vitest';
import { startWorld, rng } from '../test/support/world';
import { Device, fakeJpeg } from '../test/support/device';
import { median, save, table } from './common';

const RUNS = Number(process.env.BOUCLE_RUNS ?? 3);

it('catch-up: 600 changes with 300 photos in one sync', async () => {
  const world = await startWorld({ reps: Math.min(4, RUNS), storesPerRep: 10, plan: false });
  const runs: Record<string, number>[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const rep = run % world.reps.length;
      const d = new Device({
        name: `catchup-${run}`, userId: world.ids.reps[rep], token: () => world.tokens.reps[rep],
        fetch: (i, init) => globalThis.fetch(i, init), baseUrl: world.baseUrl, seed: 1000 + run,
      });
      await d.drain();
      const r = rng(99 + run);
      const stores = await d.storeIds();
      const start = d.now() - 14 * 86400;
      let photos = 0;
      let bytes = 0;
      for (let day = 0; day < 14 && photos < 300; day++) {
        for (let k = 0; k < 4 && photos < 300; k++) {
          const pics = Array.from({ length: Math.min(6, 300 - photos) }, () => fakeJpeg(r, 30000 + Math.floor(r() * 30000)));
          photos += pics.length;
          bytes += pics.reduce((s, p) => s + p.length, 0);
          await d.visit(stores[(day * 4 + k) % stores.length], world.ids.products, { photos: pics, at: start + day * 86400 + 8 * 3600 + k * 5400, audits: 2, order: true });
        }
      }
      let count = await d.engine.pending();
      while (count < 600) { await d.note(stores[count % stores.length]); await d.task(stores[(count + 3) % stores.length]); count = await d.engine.pending(); }
      const t = performance.now();
      const rep_ = await d.sync();
      const s = (performance.now() - t) / 1000;
      expect(rep_.ok, JSON.stringify(rep_)).toBe(true);
      expect(await d.engine.pending()).toBe(0);
      expect(rep_.uploaded).toBe(300);
      console.log(`  run ${run + 1}/${RUNS}: ${count} mutations, ${photos} photos, ${(bytes / 1e6).toFixed(1)} MB → ${s.toFixed(2)} s (pulled ${rep_.pulled})`);
      runs.push({ seconds: s, mutations: count, photos, bytes, pulled: rep_.pulled, applied: rep_.applied });
      await d.close();
    }
  } finally {
    await world.stop();
  }
  const secs = runs.map((x) => x.seconds);
  const m = median(secs);
  table(`Catch-up sync after 14 days offline (median of ${RUNS})`, [
    ['mutations', runs[0].mutations],
    ['photos', `${runs[0].photos} (${(runs[0].bytes / 1e6).toFixed(1)} MB)`],
    ['runs (s)', secs.map((x) => x.toFixed(2)).join(', ')],
    ['median', `${m.toFixed(2)} s`],
    ['upload throughput', `${(runs[0].bytes / 1e6 / m).toFixed(1)} MB/s (approx., whole sync)`],
  ]);
  save('catchup', { runs, median_s: m });
});

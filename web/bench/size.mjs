// Size of the built web app (web/dist): gzip size of each JS and CSS file, and of the shell a rep
// downloads (every file the service worker precaches: index.html, the entry chunk and what it
// imports statically, its CSS; not the lazily loaded manager chunks). Target: shell < 200 KB.
// Run `npm run build` first. Writes bench/results/size.json.
import { readFileSync, readdirSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const results = fileURLToPath(new URL('./results', import.meta.url));
const TARGET = 200 * 1024;
if (!existsSync(join(dist, 'sw.js'))) {
  console.error('web/dist/sw.js is missing: run npm run build first');
  process.exit(2);
}
const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
const m = /const PRECACHE = (\[[\s\S]*?\]);/.exec(sw);
if (!m) { console.error('cannot find the precache list in dist/sw.js'); process.exit(2); }
const precache = new Set(JSON.parse(m[1]).map((p) => (p === '/' ? '/index.html' : p)));
const files = [];
const walk = (dir, rel = '') => {
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const r = rel + '/' + name.name;
    if (name.isDirectory()) walk(join(dir, name.name), r);
    else files.push(r);
  }
};
walk(dist);
const rows = files.filter((f) => /\.(js|css|html|webmanifest|svg)$/.test(f) && !f.endsWith('.gz')).sort().map((f) => {
  const buf = readFileSync(join(dist, f));
  return { file: f, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length, shell: precache.has(f), lazy: !precache.has(f) && f.startsWith('/assets/') };
});
// Binary files of the shell (icons) count as they are (already compressed).
let shellBinary = 0;
for (const f of precache) if (/\.(png|jpg|webp|woff2?)$/.test(f) && existsSync(join(dist, f))) shellBinary += readFileSync(join(dist, f)).length;
const kb = (n) => (n / 1024).toFixed(1) + ' KB';
const shellJsCss = rows.filter((r) => r.shell && /\.(js|css)$/.test(r.file)).reduce((s, r) => s + r.gzip, 0);
const shellText = rows.filter((r) => r.shell).reduce((s, r) => s + r.gzip, 0);
const lazy = rows.filter((r) => r.lazy).reduce((s, r) => s + r.gzip, 0);
const w = Math.max(...rows.map((r) => r.file.length));
console.log(`\nweb/dist sizes (gzip -9)\n------------------------`);
console.log(`  ${'file'.padEnd(w)}  ${'raw'.padStart(10)}  ${'gzip'.padStart(10)}  part`);
for (const r of rows) console.log(`  ${r.file.padEnd(w)}  ${kb(r.bytes).padStart(10)}  ${kb(r.gzip).padStart(10)}  ${r.shell ? 'shell' : r.lazy ? 'lazy' : ''}`);
console.log(`\n  rep shell, JS + CSS (gzip)          ${kb(shellJsCss)}`);
console.log(`  rep shell, all text files (gzip)    ${kb(shellText)}`);
console.log(`  rep shell, icons (as is)            ${kb(shellBinary)}`);
console.log(`  lazy manager chunks (gzip)          ${kb(lazy)}`);
console.log(`  target: shell JS + CSS < ${kb(TARGET)}  → ${shellJsCss < TARGET ? 'OK' : 'OVER'}\n`);
mkdirSync(results, { recursive: true });
writeFileSync(join(results, 'size.json'), JSON.stringify({
  bench: 'size', at: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version },
  files: rows, shell_js_css_gzip: shellJsCss, shell_text_gzip: shellText, shell_icons: shellBinary, lazy_gzip: lazy,
  target: TARGET, ok: shellJsCss < TARGET,
}, null, 2) + '\n');
console.log(`written ${join(results, 'size.json')}`);
process.exit(shellJsCss < TARGET ? 0 : 1);

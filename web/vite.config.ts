/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

// The service worker is generated from sw/sw.template.js once Vite knows what it emitted:
// the shell (index.html, the entry chunk and everything it imports statically, its CSS, the
// public files) is precached; lazily imported chunks (the manager app) are not, so a rep never
// downloads them. The cache version is a hash of the precached contents.
function serviceWorker(): Plugin {
  return {
    name: 'boucle-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const shell = new Set<string>(['index.html']);
      const visit = (file: string) => {
        const item = bundle[file];
        if (!item || shell.has(file)) return;
        shell.add(file);
        if (item.type === 'chunk') {
          for (const dep of item.imports) visit(dep);
          const meta = (item as unknown as { viteMetadata?: { importedCss: Set<string>; importedAssets: Set<string> } }).viteMetadata;
          meta?.importedCss.forEach((f) => shell.add(f));
          meta?.importedAssets.forEach((f) => shell.add(f));
        }
      };
      for (const [file, item] of Object.entries(bundle)) {
        if (item.type === 'chunk' && item.isEntry) visit(file);
      }
      // Assets referenced from the entry CSS (none are expected, but keep them offline too).
      for (const [file, item] of Object.entries(bundle)) {
        if (item.type === 'asset' && file.endsWith('.css') && !shell.has(file)) {
          const lazy = Object.values(bundle).some((c) => c.type === 'chunk' && !shell.has(c.fileName) &&
            (c as unknown as { viteMetadata?: { importedCss: Set<string> } }).viteMetadata?.importedCss.has(file));
          if (!lazy) shell.add(file);
        }
      }
      const hash = createHash('sha256');
      const files: string[] = [];
      for (const file of [...shell].sort()) {
        const item = bundle[file];
        if (!item) continue;
        hash.update(file);
        hash.update(item.type === 'chunk' ? item.code : item.source);
        files.push('/' + file);
      }
      const publicDir = join(here, 'public');
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        return statSync(p).isDirectory() ? walk(p) : [p];
      });
      for (const p of walk(publicDir).sort()) {
        const rel = relative(publicDir, p).split('\\').join('/');
        if (rel === 'sw.js') continue;
        hash.update(rel);
        hash.update(readFileSync(p));
        files.push('/' + rel);
      }
      const version = hash.digest('hex').slice(0, 16);
      const template = readFileSync(join(here, 'sw', 'sw.template.js'), 'utf8');
      const source = template
        .replaceAll('__BOUCLE_VERSION__', JSON.stringify(version))
        .replaceAll('__BOUCLE_PRECACHE__', JSON.stringify(['/', ...files.filter((f) => f !== '/index.html'), '/index.html'], null, 1));
      this.emitFile({ type: 'asset', fileName: 'sw.js', source });
    },
  };
}

// A gzip twin of each text file of the build: `boucle serve` sends it to clients that accept
// gzip (the server compresses nothing itself), so phones download the shell compressed.
function gzipTwins(): Plugin {
  let outDir = '';
  return {
    name: 'boucle-gzip-twins',
    apply: 'build',
    configResolved(config) { outDir = config.build.outDir; },
    closeBundle() {
      const root = join(here, outDir);
      const walk = (dir: string): string[] => readdirSync(dir).flatMap((name) => {
        const p = join(dir, name);
        return statSync(p).isDirectory() ? walk(p) : [p];
      });
      for (const p of walk(root)) {
        if (!/\.(js|css|html|svg|webmanifest|json)$/.test(p)) continue;
        const raw = readFileSync(p);
        const gz = gzipSync(raw, { level: 9 });
        if (gz.length < raw.length) writeFileSync(p + '.gz', gz);
      }
    },
  };
}

const target = process.env.BOUCLE_API ?? 'http://127.0.0.1:18081';

export default defineConfig({
  plugins: [serviceWorker(), gzipTwins()],
  build: { outDir: 'dist', target: 'es2020', sourcemap: false, chunkSizeWarningLimit: 400 },
  server: { proxy: { '/api': { target, changeOrigin: false } } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    setupFiles: ['test/unit/setup.ts'],
  },
});

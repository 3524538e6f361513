// `npm run bundle`: the single-file ES module a CMS page loads with one <script type="module">.
//   dist/micseat.js = @micseat/elements (all tags registered) + @micseat/core + @micseat/backend-memory
// Minified, ES2022, compiled with the root tsconfig (legacy decorators, no define semantics for
// class fields). Prints size and gzip size; fails if livekit-client got in.
// `node scripts/bundle.mjs --json` also prints one benchmark line {name, value, unit, target, ok}.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/micseat.js');
const started = performance.now();
const result = await build({
  absWorkingDir: root,
  entryPoints: [join(root, 'scripts/bundle-entry.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  tsconfig: join(root, 'tsconfig.json'),
  metafile: true,
  logLevel: 'warning',
});

const leaked = Object.keys(result.metafile.inputs).filter((f) => /livekit-client|backend-livekit|livekit-emulator/.test(f));
if (leaked.length) {
  console.error(`bundle: LiveKit code must not be in dist/micseat.js:\n  ${leaked.join('\n  ')}`);
  process.exit(1);
}

const bytes = readFileSync(outfile);
const kB = (n) => Math.round((n / 1024) * 10) / 10;
const gzip = gzipSync(bytes, { level: 9 }).length;
const ms = Math.round(performance.now() - started);
console.log(`bundle: dist/micseat.js  ${kB(bytes.length)} kB minified, ${kB(gzip)} kB gzip (target <= 30 kB), ${Object.keys(result.metafile.inputs).length} modules, ${ms} ms`);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ name: 'dist/micseat.js gzip (elements + core + memory backend)', value: kB(gzip), unit: 'kB', target: '<= 30', ok: gzip <= 30 * 1024 }));
}

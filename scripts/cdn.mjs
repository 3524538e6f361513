// The CDN build (packages/cdn/dist): self-contained ES modules a page loads with one
// <script type="module" src=".../micseat-memory.js"> or through an import map, no bundler.
//   micseat-memory.js   elements + core + memory backend (+ declarative demo rooms)
//   micseat-livekit.js  elements + core + LiveKit backend; imports ./livekit-client.js
//   livekit-client.js   livekit-client alone (its own file: big, cacheable, replaceable)
//   chunk-*.js          the entries' chunks (the LiveKit host's authority is one, loaded on demand)
// Minified ES2022, compiled with the root tsconfig (legacy decorators), Lit's production build.
// Used by scripts/build-packages.mjs for @micseat/cdn; `node scripts/cdn.mjs [outdir]` on its own.
import { build } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SOURCE_CONDITION } from './source-paths.mjs';
import { cssLiterals } from './bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'packages/cdn/src');

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  legalComments: 'none',
  tsconfig: join(root, 'tsconfig.json'),
  // Built from the sources (same code as dist/); 'module' is esbuild's own default condition.
  conditions: [SOURCE_CONDITION, 'module'],
  metafile: true,
  logLevel: 'warning',
};

/** livekit-client stays out of the entries: they import it from the file next to them. */
const livekitNextDoor = {
  name: 'livekit-client-next-door',
  setup(b) {
    b.onResolve({ filter: /^livekit-client$/ }, () => ({ path: './livekit-client.js', external: true }));
  },
};

/** Builds into `outdir` (emptied first); returns { files: { name: { bytes, gzip } }, metafile }. */
export async function buildCdn(outdir = join(root, 'packages/cdn/dist')) {
  rmSync(outdir, { recursive: true, force: true });
  // Two builds: the LiveKit entry shares no chunk with the memory one, whose chunks hold the
  // authority (the memory backend runs it in the page); its own authority is a dynamic chunk.
  const memory = await build({
    ...common,
    entryPoints: { 'micseat-memory': join(src, 'memory.ts') },
    outdir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    plugins: [cssLiterals],
  });
  const livekit = await build({
    ...common,
    entryPoints: { 'micseat-livekit': join(src, 'livekit.ts') },
    outdir,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    plugins: [livekitNextDoor, cssLiterals],
  });
  const main = { metafile: { outputs: { ...memory.metafile.outputs, ...livekit.metafile.outputs } } };
  const lk = await build({
    ...common,
    stdin: { contents: "export * from 'livekit-client';", resolveDir: root, sourcefile: 'livekit-client.js' },
    outfile: join(outdir, 'livekit-client.js'),
  });
  const files = {};
  for (const f of readdirSync(outdir).filter((f) => f.endsWith('.js'))) {
    const bytes = readFileSync(join(outdir, f));
    files[f] = { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  }
  return { outdir, files, metafile: main.metafile, livekitMetafile: lk.metafile };
}

/**
 * The files a page loads for an entry before any dynamic import: the entry and its static imports,
 * transitively (what a listener's page fetches up front).
 */
export function staticClosure(metafile, outdir, entry) {
  const rel = (f) => f.replace(/^.*\//, '');
  const byName = new Map(Object.entries(metafile.outputs).map(([f, o]) => [rel(f), o]));
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const imp of byName.get(name)?.imports ?? []) if (imp.kind === 'import-statement') visit(rel(imp.path));
  };
  visit(entry);
  return [...seen];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await buildCdn(process.argv[2]);
  for (const [f, s] of Object.entries(r.files))
    console.log(
      `cdn: ${f.padEnd(28)} ${(s.bytes / 1024).toFixed(1).padStart(7)} kB, ${(s.gzip / 1024).toFixed(1).padStart(6)} kB gzip`,
    );
}

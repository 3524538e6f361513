// `npm run build`: every public package (packages/*/package.json without "private") to its dist/,
// in dependency order, each compiled by tsc from its tsconfig.build.json (ES2022 modules, .d.ts,
// declaration and source maps). The elements also get their custom-elements manifest, a package
// with a "prebuild" script runs it first, and @micseat/cdn is bundled by scripts/cdn.mjs.
//
//   node scripts/build-packages.mjs                  all public packages
//   node scripts/build-packages.mjs core elements    these (by folder or package name) only
//   node scripts/build-packages.mjs --if-stale X     X only if a source is newer than its dist/
//                                                    (each package's `prepack`, so `npm pack`
//                                                    never packs a missing or stale build)
//
// The repository's own tools never need this: they read src/ through the "@micseat/source" export
// condition (scripts/source-paths.mjs). It is for `npm pack` / publishing and the consumer tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readManifest } from './generate-bindings.mjs';
import { squeezeCss } from './bundle.mjs';

/** squeezeCss on every dist/*.js, keeping each literal's newlines (at its end) so source maps stay right. */
function squeezeDist(dir) {
  for (const f of readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.js'))) {
    const file = join(dir, f);
    const code = readFileSync(file, 'utf8');
    // tsc writes the tag as `css \``.
    const squeezed = code.replace(/\bcss ?`[^`]*`/g, (literal) => {
      const lines = literal.split('\n').length - 1;
      return squeezeCss(literal.replace(/^css ?/, 'css')).replace(/`$/, '\n'.repeat(lines) + '`');
    });
    if (squeezed !== code) writeFileSync(file, squeezed);
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules/.bin', name);

/** Public packages, dependencies before dependents: [{ dir, name, pkg }]. */
export function publicPackages() {
  const all = readdirSync(join(root, 'packages'))
    .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private)
    .map(({ dir, pkg }) => ({ dir, name: pkg.name, pkg, path: join(root, 'packages', dir) }));
  const byName = new Map(all.map((p) => [p.name, p]));
  const sorted = [];
  const visit = (p, seen = new Set()) => {
    if (sorted.includes(p)) return;
    if (seen.has(p)) throw new Error(`dependency cycle through ${p.name}`);
    seen.add(p);
    const deps = { ...p.pkg.dependencies, ...p.pkg.peerDependencies, ...p.pkg.devDependencies };
    for (const d of Object.keys(deps)) if (byName.has(d)) visit(byName.get(d), seen);
    sorted.push(p);
  };
  for (const p of all.sort((a, b) => a.dir.localeCompare(b.dir))) visit(p);
  return sorted;
}

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status})`);
}

const newest = (dir) =>
  !existsSync(dir)
    ? 0
    : Math.max(0, ...readdirSync(dir, { recursive: true }).map((f) => statSync(join(dir, String(f))).mtimeMs));

/** True when dist/ is missing or older than src/ or the package's build inputs. */
function stale(p) {
  const dist = join(p.path, 'dist');
  if (!existsSync(dist)) return true;
  const built = Math.min(...readdirSync(dist, { recursive: true }).map((f) => statSync(join(dist, String(f))).mtimeMs));
  const inputs = [join(p.path, 'package.json'), join(p.path, 'tsconfig.build.json')]
    .filter(existsSync)
    .map((f) => statSync(f).mtimeMs);
  // A bundle (the CDN build) holds its workspace dependencies' code too.
  const siblings = Object.keys({ ...p.pkg.dependencies, ...p.pkg.devDependencies })
    .filter((d) => d.startsWith('@micseat/'))
    .map((d) => join(root, 'packages', d.slice('@micseat/'.length), 'src'));
  return Math.max(...[join(p.path, 'src'), ...siblings].map(newest), ...inputs) > built;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * One build at a time in this checkout (the node tests run in parallel, and two of them build):
 * a lock folder, taken atomically; a lock older than 10 minutes is a crashed build's and is broken.
 */
function withBuildLock(fn) {
  const lock = join(root, '.cache/build.lock');
  mkdirSync(join(root, '.cache'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 600_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        /* released meanwhile */
      }
      sleep(250);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the given packages (default: all public ones); returns the names built. */
export function buildPackages(only = [], options = {}) {
  return withBuildLock(() => buildUnlocked(only, options));
}

function buildUnlocked(only, { ifStale = false }) {
  const list = publicPackages()
    .filter((p) => only.length === 0 || only.includes(p.dir) || only.includes(p.name))
    .filter((p) => !ifStale || stale(p));
  for (const p of list) {
    const started = performance.now();
    rmSync(join(p.path, 'dist'), { recursive: true, force: true });
    if (p.pkg.scripts?.prebuild) run('npm', ['run', '--silent', 'prebuild'], p.path);
    if (existsSync(join(p.path, 'tsconfig.build.json'))) run(bin('tsc'), ['-p', 'tsconfig.build.json'], p.path);
    // The CDN package is one esbuild build of the others (scripts/cdn.mjs), not a tsc compile.
    if (p.name === '@micseat/cdn') run(process.execPath, [join(root, 'scripts/cdn.mjs')], root);
    // The elements' css`` literals ship squeezed (comments and indentation out), as in the CDN and
    // single-file bundles: esbuild and terser keep template literals verbatim.
    if (p.name === '@micseat/elements') squeezeDist(join(p.path, 'dist'));
    if (p.pkg.customElements) {
      // Analysed elsewhere and moved in whole, so nothing reads a half-written manifest.
      const tmp = join(p.path, `.${p.pkg.customElements}.tmp`);
      writeFileSync(tmp, JSON.stringify(readManifest(), null, 2) + '\n');
      renameSync(tmp, join(p.path, p.pkg.customElements));
    }
    console.log(`build: ${p.name} -> packages/${p.dir}/dist (${Math.round(performance.now() - started)} ms)`);
  }
  return list.map((p) => p.name);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const args = process.argv.slice(2);
    buildPackages(
      args.filter((a) => !a.startsWith('--')),
      { ifStale: args.includes('--if-stale') },
    );
  } catch (e) {
    console.error(`build: ${e.message}`);
    process.exit(1);
  }
}

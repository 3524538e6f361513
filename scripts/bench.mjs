// `npm run bench`: every benchmark of the kit, one table, and docs/benchmarks.json.
//  1. Node benchmarks (bench/*.bench.ts), bundled with esbuild first so they measure the code
//     as it ships (no dev-time transpiler wrappers), then run with node.
//  2. The single-file bundle (elements + core + memory backend): size and gzip size.
//  3. Browser benchmarks in Chromium (web-test-runner group "bench": bench/browser/*.bench.ts,
//     the 10,000-request list test, and the LiveKit latency test on the real LiveKit server).
//  4. The server authority (bench/server/server.bench.ts, bench/server/load.ts), with tsx.
// Every benchmark prints JSON lines {name, value, unit, target, ok}; this collects them.
import { build } from 'esbuild';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { ensureChromium } from './chromium-path.mjs';
import { SOURCE_CONDITION } from './source-paths.mjs';

const results = [];
const collect = (text) => {
  for (const line of text.split('\n')) {
    // eslint-disable-next-line no-control-regex -- ANSI colour codes in the runners' output
    const m = /(\{"name":.*\})\s*$/.exec(line.replace(/\x1b\[[0-9;]*m/g, ''));
    if (!m) continue;
    try {
      results.push(JSON.parse(m[1]));
    } catch {
      /* not one of ours */
    }
  }
};
const run = (cmd, args, env = {}) =>
  new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });

mkdirSync('.cache/bench', { recursive: true });

// 1. Node benchmarks
for (const file of readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .sort()) {
  const outfile = `.cache/bench/${file.replace(/\.ts$/, '.mjs')}`;
  await build({
    entryPoints: [`bench/${file}`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    tsconfig: 'tsconfig.json',
    conditions: [SOURCE_CONDITION, 'module'],
    logLevel: 'error',
  });
  console.log(`bench: node ${outfile}`);
  const { code, out } = await run('node', [outfile]);
  collect(out);
  if (code !== 0) console.error(out);
}

// 2. The single-file bundle, as a CMS page would load it (the same build as `npm run bundle`)
{
  const { code, out } = await run('node', ['scripts/bundle.mjs', '--json']);
  collect(out);
  if (code !== 0) console.error(out);
}

// 2b. Gzip size per entry: all elements, a listener's elements, a LiveKit listener's page (issue #12)
{
  const { code, out } = await run('node', ['scripts/sizes.mjs', '--json']);
  collect(out);
  if (code !== 0) console.error(out);
}

// 3. Browser benchmarks
if (ensureChromium()) {
  console.log('bench: web-test-runner group "bench" (Chromium)');
  const { code, out } = await run('npx', ['web-test-runner'], { MICSEAT_TEST_GROUP: 'bench' });
  collect(out);
  if (code !== 0)
    console.error(
      out
        .split('\n')
        .filter((l) => /❌|Error/.test(l))
        .join('\n'),
    );
}

// 4. The server authority (issue #11): real LiveKit server, real Redis, rtc-node participants.
//    Run from source with tsx (rtc-node is a native module, not bundled). MICSEAT_BENCH_SERVER=0 skips.
if (process.env.MICSEAT_BENCH_SERVER !== '0') {
  for (const script of ['bench/server/server.bench.ts', 'bench/server/load.ts']) {
    console.log(`bench: node --import tsx ${script}`);
    const { code, out } = await run('node', [`--conditions=${SOURCE_CONDITION}`, '--import', 'tsx', script]);
    collect(out);
    if (code !== 0) console.error(out.split('\n').slice(-20).join('\n'));
  }
}

// Report
const width = Math.max(...results.map((r) => r.name.length));
console.log('\n' + 'benchmark'.padEnd(width) + '  value        target            ok');
for (const r of results) {
  console.log(
    `${r.name.padEnd(width)}  ${`${r.value} ${r.unit}`.padEnd(12)} ${String(r.target).padEnd(17)} ${r.ok ? 'yes' : 'NO'}`,
  );
}
mkdirSync('docs', { recursive: true });
writeFileSync(
  'docs/benchmarks.json',
  JSON.stringify(
    { date: new Date().toISOString(), node: process.version, command: 'npm run bench', results },
    null,
    2,
  ) + '\n',
);
console.log('\nwritten: docs/benchmarks.json');

// The one test command: the typecheck, node tests for core, then browser tests in Chromium.
// Prints a closing "N passed, N failed" line summing both runners.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './chromium-path.mjs';
import { installLiveKitServer, LiveKitServerError } from './livekit-server.mjs';

const listTests = (dir) =>
  readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(dir, f))
    .sort();

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

// eslint-disable-next-line no-control-regex -- ANSI colour codes in the runners' output
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let ok = true;

// Types first: a type error fails the run like a failing test.
const types = await run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
if (types.code !== 0) {
  ok = false;
  failed += 1;
  console.error('typecheck: tsc reported errors (above)');
} else console.log('typecheck: ok');

// Chromium and the real LiveKit server before any test: node tests drive both too (the LiveKit
// quickstart's test). The server is built once (cached), here rather than inside a test runner,
// so a missing Go or module proxy is one clear line.
if (!ensureChromium()) process.exit(1);
try {
  await installLiveKitServer();
} catch (e) {
  if (!(e instanceof LiveKitServerError)) throw e;
  console.error(`livekit-server: ${e.message}`);
  process.exit(1);
}

// test/server: the server authority against the real LiveKit server and the real Redis (127.0.0.1:6379).
const node = await run('node', [
  '--conditions=@micseat/source',
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  ...listTests('test/core'),
  ...listTests('test/consumers'),
  ...listTests('test/server'),
]);
{
  const o = strip(node.out);
  passed += Number(/ℹ pass (\d+)/.exec(o)?.[1] ?? 0);
  failed += Number(/ℹ fail (\d+)/.exec(o)?.[1] ?? 0);
  if (node.code !== 0) ok = false;
}

const wtr = await run('npx', ['web-test-runner']);
{
  const o = strip(wtr.out);
  // @web/test-runner prints a summary of the whole run at the end.
  const m = [...o.matchAll(/(\d+) passed, (\d+) failed/g)].at(-1);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  if (wtr.code !== 0) ok = false;
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(ok && failed === 0 ? 0 : 1);

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
// @ts-expect-error plain .mjs script without types
import { ensureChromium, MISSING_CHROMIUM } from '../../scripts/chromium-path.mjs';

test('no Chromium and no way to install it: one clear line, no stack trace', () => {
  const lines: string[] = [];
  const path = ensureChromium({
    candidates: ['/nonexistent/chromium'],
    canInstall: false,
    log: () => {},
    error: (l: string) => lines.push(l),
  });
  assert.equal(path, null);
  assert.deepEqual(lines, [MISSING_CHROMIUM]);
  assert.match(lines[0]!, /apt-get install -y chromium/);
});

test('the check script exits 1 with that single line when CHROME_PATH points nowhere and apt is unavailable', () => {
  // Run as a child whose candidates are all missing: the script reads CHROME_PATH first,
  // and we make /usr/bin/chromium invisible by asking it to check only CHROME_PATH.
  const code = `import { ensureChromium } from './scripts/chromium-path.mjs';
    process.exit(ensureChromium({ candidates: [process.env.CHROME_PATH], canInstall: false }) ? 0 : 1);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    env: { ...process.env, CHROME_PATH: '/nope/chromium' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.ok(!/at .*:\d+:\d+/.test(r.stderr), 'no stack trace');
});

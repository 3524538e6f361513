import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain .mjs script without types
import { buildBundle, BUDGET_GZIP_KB } from '../../scripts/bundle.mjs';

test(`the single-file bundle stays within its gzip budget and holds no LiveKit code`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'micseat-bundle-'));
  try {
    const b = await buildBundle({ outfile: join(dir, 'micseat.js') });
    assert.deepEqual(b.leaked, [], 'livekit-client must stay out of the CMS bundle');
    assert.ok(
      b.gzipKb <= BUDGET_GZIP_KB,
      `dist/micseat.js is ${b.gzipKb} kB gzip, over the ${BUDGET_GZIP_KB} kB budget`,
    );
    // What a CMS page relies on: every tag is registered by loading the one file.
    const code = readFileSync(b.outfile, 'utf8');
    for (const tag of [
      'micseat-room',
      'mic-seat-grid',
      'mic-seat',
      'cohost-request-button',
      'request-list',
      'room-mode-toggle',
    ]) {
      assert.ok(code.includes(`"${tag}"`), `${tag} is defined in the bundle`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * The CDN build (scripts/cdn.mjs): livekit-client is its own file, and what a LiveKit page loads
 * up front holds no seat authority (the host's backend imports it on demand); the memory page
 * loads no LiveKit. The consumer tests load the memory entry in Chromium through an import map.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error plain .mjs script without types
import { buildCdn, staticClosure } from '../../scripts/cdn.mjs';

interface Built {
  outdir: string;
  files: Record<string, { bytes: number; gzip: number }>;
  metafile: { outputs: Record<string, { inputs: Record<string, unknown> }> };
}

test('CDN: the LiveKit entry loads livekit-client as its own file and no authority up front', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'micseat-cdn-'));
  try {
    const r = (await buildCdn(dir)) as Built;
    assert.ok(r.files['livekit-client.js'], 'livekit-client.js is built');
    const inputsOf = (files: string[]) =>
      Object.entries(r.metafile.outputs)
        .filter(([f]) => files.includes(f.replace(/.*\//, '')))
        .flatMap(([, o]) => Object.keys(o.inputs));

    const livekit = staticClosure(r.metafile, r.outdir, 'micseat-livekit.js') as string[];
    assert.ok(livekit.includes('livekit-client.js'), 'the LiveKit entry imports ./livekit-client.js');
    const lkInputs = inputsOf(livekit.filter((f) => f !== 'livekit-client.js'));
    assert.deepEqual(
      lkInputs.filter((i) =>
        /livekit-client|core\/src\/authority\.ts|authority-host|backend-livekit\/src\/host\.ts/.test(i),
      ),
      [],
      'no livekit-client inside our files and no authority up front',
    );
    // The host's part exists, as a chunk loaded on demand.
    const all = Object.values(r.metafile.outputs).flatMap((o) => Object.keys(o.inputs));
    assert.ok(all.some((i) => i.endsWith('backend-livekit/src/host.ts')));

    const memory = staticClosure(r.metafile, r.outdir, 'micseat-memory.js') as string[];
    assert.ok(!memory.includes('livekit-client.js'));
    assert.deepEqual(
      inputsOf(memory).filter((i) => /livekit/.test(i)),
      [],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

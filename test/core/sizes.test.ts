/**
 * Size budgets per entry, gzip (issue #12): what a page loads for all the elements, for a
 * listener's elements (@micseat/elements/listener), and for a LiveKit listener's page over
 * livekit-client; what is fetched on demand (Chinese, the virtualizer, the host's authority) is
 * not counted. The budgets hold the sizes issue #12's work reached (growth is a decision); the
 * issue's targets are printed beside them, and docs/benchmarks.md says why they are out of reach.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain .mjs script without types
import { measureAll } from '../../scripts/sizes.mjs';

interface Row {
  name: string;
  gzipKb: number;
  budget: number;
  target: number;
  inputs: Record<string, number>;
}

const measured = measureAll() as Promise<Row[]>;

test('every entry stays within its gzip budget', async () => {
  const rows = await measured;
  for (const r of rows)
    console.log(`size: ${r.name}: ${r.gzipKb} kB gzip (budget ${r.budget}, issue target ${r.target})`);
  const over = rows.filter((r) => r.gzipKb > r.budget).map((r) => `${r.name}: ${r.gzipKb} kB > ${r.budget} kB`);
  assert.deepEqual(over, []);
});

test("a LiveKit listener's page loads no authority up front (the host's backend imports it)", async () => {
  const rows = await measured;
  const page = rows.find((r) => r.name.startsWith('LiveKit listener page'))!;
  // Nor the authority's working room (draft.ts, its trees): a client only applies patches (patch.ts).
  assert.deepEqual(
    Object.keys(page.inputs).filter((f) =>
      /core\/src\/authority|authority-host|backend-livekit\/src\/(host|rpc-server)\.ts|core\/src\/(draft|ptree)\.ts/.test(
        f,
      ),
    ),
    [],
  );
});

test("a listener's elements load no request list, mode toggle, member list, inspector or virtualizer", async () => {
  const rows = await measured;
  const listener = rows.find((r) => r.name === "a listener's elements")!;
  const hostOnly = Object.keys(listener.inputs).filter((f) =>
    /request-list|room-mode-toggle|connected-users|room-inspector|@lit-labs\/virtualizer|backend-memory|core\/src\/authority\.ts/.test(
      f,
    ),
  );
  // authority.ts may give the listener a helper or two (utf8Length), never the authority itself.
  const authorityBytes =
    listener.inputs[Object.keys(listener.inputs).find((f) => f.endsWith('core/src/authority.ts')) ?? ''] ?? 0;
  assert.deepEqual(
    hostOnly.filter((f) => !f.endsWith('core/src/authority.ts')),
    [],
  );
  assert.ok(authorityBytes < 1024, `authority code in a listener's elements: ${authorityBytes} bytes`);
});

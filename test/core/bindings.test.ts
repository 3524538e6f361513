/**
 * The React wrappers, JSX and Vue typings are generated from the custom-elements manifest
 * (scripts/generate-bindings.mjs); a new element, property or event must reach them. Their types
 * are checked by test/types/bindings.ts (part of the typecheck).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain .mjs script without types
import { generate, outOfDate } from '../../scripts/generate-bindings.mjs';

test('the generated React wrappers, JSX and Vue typings match the elements (else: node scripts/generate-bindings.mjs)', () => {
  const result = generate() as { list: { tag: string; events: string[] }[]; files: Record<string, string> };
  const { stale, orphans } = outOfDate(result) as { stale: string[]; orphans: string[] };
  assert.deepEqual({ stale, orphans }, { stale: [], orphans: [] });
  // Every element has a wrapper with an onX callback per event it documents.
  for (const e of result.list) {
    const file = Object.entries(result.files).find(([f]) => f.endsWith(`/react/src/${e.tag}.ts`))?.[1];
    assert.ok(file, `a wrapper for <${e.tag}>`);
    for (const ev of e.events) assert.match(file, new RegExp(`: '${ev}' as EventName`), `<${e.tag}> ${ev}`);
  }
  assert.ok(result.list.some((e) => e.tag === 'cohost-request-button' && e.events.includes('seat-request')));
});

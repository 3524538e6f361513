/**
 * The API reports in api/ (api-extractor, from the built .d.ts) match what the packages export:
 * a change to the public API is a change to a checked-in file, seen in review.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error plain .mjs script without types
import { apiReports } from '../../scripts/api-report.mjs';

test('the public API is what api/*.api.md says (else review, then: node scripts/api-report.mjs --update)', () => {
  const results = apiReports() as { report: string; changed: boolean; errors: string[] }[];
  assert.ok(results.length >= 6, 'a report per published entry');
  assert.deepEqual(
    results.filter((r) => r.changed || r.errors.length).map((r) => `${r.report}: ${r.errors.join('; ') || 'changed'}`),
    [],
  );
});

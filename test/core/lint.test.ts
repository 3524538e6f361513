/**
 * ESLint (typescript-eslint, Lit and web-components rules) and Prettier (on the files listed in
 * tools/prettier-files.txt) pass. Findings older than the linter are suppressed in
 * tools/eslint-suppressions.json; a new one fails here. Run `node scripts/lint.mjs` to see them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

test('lint: ESLint and Prettier report nothing new (node scripts/lint.mjs)', () => {
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../scripts/lint.mjs')], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
});

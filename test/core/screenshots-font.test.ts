/**
 * `npm run screenshots` makes sure a CJK font is there before it draws Chinese (on this Debian
 * machine it is installed; the check reads the real fontconfig).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error plain .mjs script without types
import { cjkFonts, ensureCjkFont } from '../../scripts/screenshots.mjs';

test('the screenshot command goes through the font check', () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  assert.equal(pkg.scripts.screenshots, 'node scripts/screenshots.mjs');
});

test('a CJK font is found (installed when missing and root)', () => {
  assert.equal(ensureCjkFont(), true);
  assert.ok(
    (cjkFonts() as string[]).some((f) => /CJK|Noto Sans SC|WenQuanYi|Droid Sans Fallback/i.test(f)),
    'a Chinese font family',
  );
});

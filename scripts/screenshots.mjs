// `npm run screenshots`: PNGs of the main states (test/screenshots/states.shot.ts). The Chinese
// ones need a CJK font, or every character is a box: this command (not CI's test run, which
// needs none) makes sure one is installed — apt's fonts-noto-cjk when root on Debian — and stops
// with one clear line when it cannot.
import { execFileSync, spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { ensureChromium } from './chromium-path.mjs';

/** The font families fontconfig has for Chinese (empty: none, or no fontconfig). */
export function cjkFonts() {
  try {
    return execFileSync('fc-list', [':lang=zh', 'family'], { encoding: 'utf8' })
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

/** True when a CJK font is there (installing fonts-noto-cjk from apt if root and missing). */
export function ensureCjkFont() {
  if (cjkFonts().length > 0) return true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0) {
    console.log('screenshots: installing fonts-noto-cjk from apt (Chinese text)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'fonts-noto-cjk'], { stdio: 'inherit', env });
    if (cjkFonts().length > 0) return true;
  }
  console.error(
    'screenshots: no CJK font, so the Chinese screenshots would show boxes. Install one (Debian: apt-get install fonts-noto-cjk) and run again.',
  );
  return false;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!ensureChromium() || !ensureCjkFont()) process.exit(1);
  const run = spawnSync('npx', ['web-test-runner'], {
    stdio: 'inherit',
    env: { ...process.env, MICSEAT_TEST_GROUP: 'screenshots' },
  });
  process.exit(run.status ?? 1);
}

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Debian's Chromium, or CHROME_PATH when set. Returns null when none is found. */
export function chromiumPath() {
  const candidates = [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

const MISSING =
  'micseat: no Chromium found (looked at $CHROME_PATH, /usr/bin/chromium) and it could not be installed; run `apt-get install -y chromium` as root or set CHROME_PATH.';

/**
 * Finds Chromium; when it is missing and we are root on Debian, installs it from apt.
 * Returns the path, or prints one clear line and returns null.
 */
export function ensureChromium() {
  let path = chromiumPath();
  if (path) return path;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('micseat: Chromium is missing; installing it from apt…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', env });
    path = chromiumPath();
  }
  if (!path) console.error(MISSING);
  return path;
}

import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const DEFAULT_CANDIDATES = () => [process.env.CHROME_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** Debian's Chromium, or CHROME_PATH when set. Returns null when none is found. */
export function chromiumPath(candidates = DEFAULT_CANDIDATES()) {
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

export const MISSING_CHROMIUM =
  'micseat: no Chromium found (looked at $CHROME_PATH, /usr/bin/chromium) and it could not be installed; run `apt-get install -y chromium` as root or set CHROME_PATH.';

/**
 * Finds Chromium; when it is missing and we are root on Debian, installs it from apt.
 * Returns the path, or prints one clear line and returns null. Never throws.
 */
export function ensureChromium({
  candidates = DEFAULT_CANDIDATES(),
  canInstall = typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/usr/bin/apt-get'),
  log = console.log,
  error = console.error,
} = {}) {
  let path = chromiumPath(candidates);
  if (path) return path;
  if (canInstall) {
    log('micseat: Chromium is missing; installing it from apt…');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
    spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', env });
    path = chromiumPath(candidates);
  }
  if (!path) error(MISSING_CHROMIUM);
  return path;
}

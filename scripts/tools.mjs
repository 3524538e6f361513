// The lint and API-report tools live in tools/ with their own package.json and lockfile:
// typescript-eslint and api-extractor need TypeScript's JS API (typescript 6.0), which the
// workspace's TypeScript 7 (native tsc) does not have, so they cannot share its node_modules.
// ensureTools() runs `npm ci` there when tools/node_modules is missing or older than the lockfile.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const toolsDir = join(dirname(fileURLToPath(import.meta.url)), '../tools');
export const toolBin = (name) => join(toolsDir, 'node_modules/.bin', name);

/** Installs tools/ when needed; returns true when the tools are there. Never throws. */
export function ensureTools({ log = console.log, error = console.error } = {}) {
  const lock = join(toolsDir, 'package-lock.json');
  const installed = join(toolsDir, 'node_modules/.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return true;
  log('tools: installing lint and API-report tools (npm ci in tools/)');
  const r = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel', 'error'], {
    cwd: toolsDir,
    stdio: 'inherit',
  });
  if (r.status !== 0) {
    error('tools: `npm ci` in tools/ failed (see above)');
    return false;
  }
  return true;
}

// `npm run lint` (and part of `npm test`): ESLint over the repository, and Prettier over the files
// that follow it so far (tools/prettier-files.txt; the rest of the code base is to be formatted in
// one go later, when nobody else is editing, and then added there).
//
// ESLint findings that predate the linter are recorded in tools/eslint-suppressions.json (ESLint's
// bulk suppressions): they do not fail the run, anything new does. When you fix one, run
//   node scripts/lint.mjs --prune     to drop fixed entries from the suppressions file.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTools, toolBin, toolsDir } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

export function lint({ prune = false } = {}) {
  if (!ensureTools()) return 1;
  const eslintArgs = [
    '--config',
    join(toolsDir, 'eslint.config.mjs'),
    '--suppressions-location',
    join(toolsDir, 'eslint-suppressions.json'),
    '--max-warnings',
    '0',
  ];
  if (prune) eslintArgs.push('--prune-suppressions');
  const eslint = run(toolBin('eslint'), [...eslintArgs, '.']);
  const files = readFileSync(join(toolsDir, 'prettier-files.txt'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const prettier = run(toolBin('prettier'), [
    '--config',
    join(root, '.prettierrc.json'),
    '--check',
    '--log-level',
    'warn',
    ...files,
  ]);
  if (eslint !== 0) console.error('lint: ESLint found problems (above)');
  if (prettier !== 0)
    console.error(`lint: not formatted (above); run: tools/node_modules/.bin/prettier --write <file>`);
  if (eslint === 0 && prettier === 0) console.log(`lint: ok (ESLint; Prettier on ${files.length} patterns)`);
  return eslint || prettier;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exit(lint({ prune: process.argv.includes('--prune') }));
}

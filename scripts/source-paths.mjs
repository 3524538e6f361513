// The in-repo tools read the workspace packages from their TypeScript sources, never from dist/:
// every package's export map has an "@micseat/source" condition pointing at src/*.ts, which
// tsc (customConditions), esbuild (conditions), Vite (resolve.conditions) and web-test-runner
// (nodeResolve.exportConditions) enable. tsx (node tests, Node-side scripts) has no option for
// export conditions, but reads tsconfig `paths`: this derives those paths from the export maps.
//
//   node scripts/source-paths.mjs          prints the paths
//   node scripts/source-paths.mjs --write  writes them into tsconfig.json
// test/core/packaging.test.ts fails when tsconfig.json's paths drift from the export maps.
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SOURCE_CONDITION = '@micseat/source';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** { "@micseat/core": ["./packages/core/src/index.ts"], ... } from every package's export map. */
export function sourcePaths() {
  const paths = {};
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
      const src = typeof target === 'object' ? target[SOURCE_CONDITION] : undefined;
      if (!src) continue;
      paths[pkg.name + sub.slice(1)] = [`./packages/${dir}/${src.replace(/^\.\//, '')}`];
    }
  }
  return paths;
}

/** JSON with short arrays of plain values kept on one line, as tsconfig.json is written by hand. */
export function compactJson(value) {
  return JSON.stringify(value, null, 2).replace(/\[\n\s*([^[\]{}]*?)\n\s*\]/g, (all, inner) => {
    const one = `[${inner.split(/,\n\s*/).join(', ')}]`;
    return one.length <= 100 ? one : all;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const paths = sourcePaths();
  if (process.argv.includes('--write')) {
    const file = join(root, 'tsconfig.json');
    const text = readFileSync(file, 'utf8');
    const json = JSON.parse(text);
    json.compilerOptions.paths = paths;
    writeFileSync(file, compactJson(json) + '\n');
    console.log(`tsconfig.json: ${Object.keys(paths).length} paths`);
  } else console.log(JSON.stringify(paths, null, 2));
}

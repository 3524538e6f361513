/**
 * The packages' export maps (issue #12): what a consumer resolves is built code with types, and
 * what the repository's own tools resolve is the TypeScript source, through one condition.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain .mjs script without types
import { sourcePaths, SOURCE_CONDITION } from '../../scripts/source-paths.mjs';
// @ts-expect-error plain .mjs script without types
import { publicPackages } from '../../scripts/build-packages.mjs';

const root = join(import.meta.dirname, '../..');

interface Pkg {
  name: string;
  private?: boolean;
  exports: Record<string, string | Record<string, string>>;
  files?: string[];
  sideEffects?: boolean | string[];
  dependencies?: Record<string, string>;
  bin?: Record<string, string>;
}

test("tsconfig.json paths (read by tsx) are exactly the export maps' source entries", () => {
  const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { paths: unknown; customConditions: string[] };
  };
  assert.deepEqual(tsconfig.compilerOptions.customConditions, [SOURCE_CONDITION]);
  assert.deepEqual(tsconfig.compilerOptions.paths, sourcePaths(), 'run: node scripts/source-paths.mjs --write');
});

test('every public package exports built code with types, its sources only under the source condition', () => {
  const problems: string[] = [];
  for (const { dir, pkg } of publicPackages() as { dir: string; pkg: Pkg }[]) {
    // The CDN package is bundled files, no sources (test/core/cdn.test.ts checks it).
    if (pkg.name === '@micseat/cdn') continue;
    assert.ok(pkg.files?.includes('dist'), `${pkg.name}: files has dist`);
    assert.notEqual(pkg.sideEffects, undefined, `${pkg.name}: says whether it has side effects`);
    for (const [sub, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') {
        if (!/\.json$/.test(target)) problems.push(`${pkg.name} ${sub}: a plain string export (${target})`);
        continue;
      }
      const keys = Object.keys(target);
      if (keys.length === 1 && keys[0] === 'types') {
        // Typings only (e.g. @micseat/elements/vue), shipped as a .d.ts file.
        if (!pkg.files?.some((f) => target.types === `./${f}`))
          problems.push(`${pkg.name} ${sub}: ${target.types} not in files`);
        continue;
      }
      // Order matters: the first matching condition wins, so the source one comes first and
      // types before default.
      assert.deepEqual(keys, [SOURCE_CONDITION, 'types', 'default'], `${pkg.name} ${sub}: conditions in order`);
      const src = target[SOURCE_CONDITION]!;
      const stem = src.replace(/^\.\/src\//, '').replace(/\.ts$/, '');
      if (target.types !== `./dist/${stem}.d.ts`) problems.push(`${pkg.name} ${sub}: types ${target.types}`);
      if (target.default !== `./dist/${stem}.js`) problems.push(`${pkg.name} ${sub}: default ${target.default}`);
      try {
        readFileSync(join(root, 'packages', dir, src));
      } catch {
        problems.push(`${pkg.name} ${sub}: ${src} does not exist`);
      }
    }
    // A workspace sibling is a real dependency of the published package, at the version it has.
    for (const [dep, range] of Object.entries(pkg.dependencies ?? {})) {
      if (!dep.startsWith('@micseat/')) continue;
      const sibling = (publicPackages() as { pkg: Pkg & { version: string } }[]).find((p) => p.pkg.name === dep);
      if (!sibling) problems.push(`${pkg.name}: depends on ${dep}, which is not a public package`);
      else if (range !== sibling.pkg.version)
        problems.push(`${pkg.name}: ${dep}@${range}, but it is ${sibling.pkg.version}`);
    }
  }
  assert.deepEqual(problems, []);
});

test("a package's commands (bin) are built files whose sources start with a shebang", () => {
  const problems: string[] = [];
  let commands = 0;
  for (const { dir, pkg } of publicPackages() as { dir: string; pkg: Pkg }[]) {
    for (const [name, target] of Object.entries(pkg.bin ?? {})) {
      commands++;
      const stem = /^\.\/dist\/(.+)\.js$/.exec(target)?.[1];
      if (!stem) {
        problems.push(`${pkg.name} bin ${name}: ${target} is not a built file in dist/`);
        continue;
      }
      let source = '';
      try {
        source = readFileSync(join(root, 'packages', dir, 'src', `${stem}.ts`), 'utf8');
      } catch {
        problems.push(`${pkg.name} bin ${name}: src/${stem}.ts does not exist`);
      }
      // tsc keeps the shebang, so the built file runs as a command.
      if (source && !source.startsWith('#!/usr/bin/env node\n'))
        problems.push(`${pkg.name} bin ${name}: src/${stem}.ts has no shebang`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(commands >= 1, 'the server package ships its command');
});

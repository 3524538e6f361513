// ESLint for the repository (run by `npm test` through scripts/lint.mjs, from the repository root):
// typescript-eslint's recommended rules, plus Lit's and the web-components rule sets on the
// elements. Not type-aware (fast; tsc --noEmit is the type check).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export default tseslint.config(
  {
    basePath: root,
    // Some sources name rules of older typescript-eslint versions in disable comments; reported
    // once everyone's edits have landed and the suppressions are worked off.
    linterOptions: { reportUnusedDisableDirectives: 'off' },
  },
  { ignores: ['**/node_modules/**', '**/dist/**', 'storybook-static/**', '.cache/**', 'tools/**', 'coverage/**'] },
  {
    files: [
      'packages/*/src/**/*.ts',
      'scripts/**/*.{ts,mjs}',
      'stories/**/*.ts',
      'test/**/*.{ts,mjs}',
      'bench/**/*.ts',
      '*.mjs',
      '.storybook/*.ts',
    ],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { console: 'readonly' } },
    rules: {
      // tsc checks undefined names (with DOM and Node types); ESLint's own check does not know them.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['packages/elements/src/**/*.ts', 'stories/**/*.ts'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended']],
  },
);

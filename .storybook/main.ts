/**
 * Storybook for micseat (configured by hand: `npm create storybook` does not work offline here).
 *
 *   npm start              dev server on http://localhost:6006
 *   npm run build-storybook  static build in storybook-static/
 *
 * Stories live at the top level in stories/ (`*.stories.ts`, and `*.mdx` once @storybook/addon-docs
 * is installed). The workspace packages are symlinked into node_modules and read from their
 * TypeScript sources (the '@micseat/source' export condition), so Vite compiles them itself — with
 * the root tsconfig's legacy decorators.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StorybookConfig } from '@storybook/web-components-vite';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);

function installed(name: string): boolean {
  try {
    require.resolve(`${name}/package.json`, { paths: [root] });
    return true;
  } catch {
    return false;
  }
}

function hasFiles(dir: string, suffix: string): boolean {
  if (!existsSync(dir)) return false;
  return readdirSync(dir, { recursive: true }).some((f) => String(f).endsWith(suffix));
}

// MDX needs @storybook/addon-docs (Storybook 10 ships docs as an addon); only index MDX when both exist,
// so an .mdx file dropped in early cannot break the build.
const docs = installed('@storybook/addon-docs');
const storiesDir = join(root, 'stories');
const stories = ['../stories/**/*.stories.ts'];
if (docs && hasFiles(storiesDir, '.mdx')) stories.unshift('../stories/**/*.mdx');

/**
 * Pre-bundled once, so every story and every package share one copy of Lit (two copies means two
 * `ReactiveElement`s, broken context and "multiple versions of Lit loaded" warnings).
 */
const optimizeDepsInclude = [
  'lit',
  'lit/decorators.js',
  'lit/directive.js',
  'lit/directive-helpers.js',
  'lit/async-directive.js',
  'lit/static-html.js',
  'lit/directives/class-map.js',
  'lit/directives/style-map.js',
  'lit/directives/if-defined.js',
  'lit/directives/repeat.js',
  'lit/directives/live.js',
  'lit/directives/ref.js',
  'lit/directives/keyed.js',
  'lit/directives/guard.js',
  'lit/directives/cache.js',
  'lit/directives/choose.js',
  'lit/directives/map.js',
  'lit/directives/when.js',
  'lit/directives/unsafe-html.js',
  'lit/directives/unsafe-svg.js',
  'lit/directives/until.js',
  'lit/directives/range.js',
  'lit/directives/join.js',
  '@lit/context',
  '@lit/reactive-element',
  'lit-html',
  'lit-element/lit-element.js',
  'xstate',
  'valibot',
  '@lit-labs/virtualizer',
  '@lit-labs/virtualizer/virtualize.js',
  '@lit-labs/virtualizer/layouts/flow.js',
  '@lit-labs/virtualizer/layouts/grid.js',
].filter((id) => {
  try {
    require.resolve(id, { paths: [root] });
    return true;
  } catch {
    return false;
  }
});

const config: StorybookConfig = {
  stories,
  addons: docs ? ['@storybook/addon-docs'] : [],
  framework: { name: '@storybook/web-components-vite', options: {} },
  core: { disableTelemetry: true, disableWhatsNewNotifications: true },
  async viteFinal(viteConfig) {
    const { mergeConfig, defaultClientConditions } = await import('vite');
    return mergeConfig(viteConfig, {
      optimizeDeps: { include: optimizeDepsInclude },
      // The workspace packages from their TypeScript sources (their export maps' '@micseat/source'
      // condition; the published default points at dist/). Vite's own defaults are kept.
      resolve: {
        conditions: ['@micseat/source', ...defaultClientConditions],
        dedupe: ['lit', 'lit-html', 'lit-element', '@lit/reactive-element', '@lit/context', 'xstate'],
      },
      // Vite 8 compiles TypeScript with Oxc. Say explicitly what the root tsconfig says
      // (experimentalDecorators: true, useDefineForClassFields: false), so Lit's @property/@state
      // decorators work even if the tsconfig lookup changes: legacy decorators, and class fields
      // assigned (not defined) so they do not shadow Lit's reactive accessors.
      oxc: {
        decorator: { legacy: true },
        assumptions: { setPublicClassFields: true },
        typescript: { removeClassFieldsWithoutInitializer: true },
      },
      // livekit-client is large and loaded only by the LiveKit story; the others use the memory backend.
      build: { chunkSizeWarningLimit: 2000 },
    });
  },
};

export default config;

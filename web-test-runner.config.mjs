// Browser tests run in Debian's Chromium (never a downloaded browser).
import { chromeLauncher } from '@web/test-runner-chrome';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fileURLToPath } from 'node:url';
import { screenshotPlugin } from './test/screenshots/plugin.mjs';
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { chromiumPath } from './scripts/chromium-path.mjs';
import { liveKitPlugin } from './test/livekit/wtr-plugin.mjs';
import { servicePlugin } from './test/livekit/service-plugin.mjs';
import { SOURCE_CONDITION } from './scripts/source-paths.mjs';

const tsconfig = fileURLToPath(new URL('./tsconfig.json', import.meta.url));
const groupFilter = process.env.MICSEAT_TEST_GROUP;
/** MICSEAT_VISUAL=all: the visual check renders every story in every look, not a sample (test/elements/visual-check.ts). */
const visualAll = process.env.MICSEAT_VISUAL === 'all';
if (process.env.MICSEAT_VISUAL && !visualAll) throw new Error('MICSEAT_VISUAL must be "all" (or unset)');

/** The LiveKit plugin starts the real LiveKit server when a test first asks for it (test/livekit/wtr-plugin.mjs). */
const plugins = [
  esbuildPlugin({ ts: true, tsconfig, target: 'es2022' }),
  liveKitPlugin(),
  // The room service (@micseat/server) with a LiveKit server of its own, on the first `svc:` command.
  servicePlugin(),
  screenshotPlugin(
    process.env.MICSEAT_SCREENSHOTS_DIR ??
      fileURLToPath(new URL('./packages/elements/docs/screenshots', import.meta.url)),
  ),
];

const groups = [
  { name: 'memory', files: 'test/memory/**/*.test.ts' },
  { name: 'elements', files: 'test/elements/**/*.test.ts' },
  { name: 'livekit', files: ['test/livekit/**/*.test.ts', '!test/livekit/bench.test.ts'] },
  // Benchmarks run only when asked for (npm run bench), never in the test run.
  // `npm run screenshots`: PNGs of the main states (only when asked for).
  { name: 'screenshots', files: 'test/screenshots/states.shot.ts' },
  {
    name: 'bench',
    files: ['bench/browser/**/*.bench.ts', 'test/elements/request-list.test.ts', 'test/livekit/bench.test.ts'],
  },
]
  .filter((g) => (groupFilter ? g.name === groupFilter : g.name !== 'bench' && g.name !== 'screenshots'))
  // MICSEAT_TEST_FILES narrows the chosen group to some files (a glob, or several joined by commas).
  .map((g) => (process.env.MICSEAT_TEST_FILES ? { ...g, files: process.env.MICSEAT_TEST_FILES.split(',') } : g))
  // A group whose folder holds no test yet is left out (the runner refuses empty globs).
  .filter((g) =>
    [g.files].flat().some((glob) => {
      if (glob.startsWith('!')) return false;
      const dir = glob.split('/**')[0];
      if (!glob.includes('*')) return existsSync(glob);
      if (!glob.includes('/**')) return existsSync(dirname(glob));
      return (
        existsSync(dir) && readdirSync(dir, { recursive: true }).some((f) => /\.(test|bench)\.ts$/.test(String(f)))
      );
    }),
  );

export default {
  // Tests use Lit's development build (its warnings catch mistakes); benchmarks measure the build
  // that ships (Lit's production build, picked when the 'development' condition is absent).
  // '@micseat/source': the workspace packages are served from their TypeScript sources (their
  // published export maps point at dist/, which the tests never need built).
  nodeResolve: {
    exportConditions: [SOURCE_CONDITION, 'browser', groupFilter === 'bench' ? 'production' : 'development'],
  },
  groups,
  concurrency: 1,
  concurrentBrowsers: 1,
  // Per test file. Generous: on a loaded 2-core machine the story and LiveKit files take minutes;
  // a hung file still ends the run, with its name.
  // Every look of every story (MICSEAT_VISUAL=all) takes far longer: an hour per file at most.
  testsFinishTimeout: visualAll ? 3_600_000 : 600_000,
  // The page tells the visual check whether to take every look (a global set before the tests load).
  ...(visualAll
    ? {
        testRunnerHtml: (testFramework) =>
          `<html><body><script>window.__micseatVisualAll = true;</script><script type="module" src="${testFramework}"></script></body></html>`,
      }
    : {}),
  testFramework: { config: { timeout: 60_000 } },
  plugins,
  // Benchmarks run cross-origin isolated: Chromium then gives performance.now() microsecond steps
  // instead of 100 µs ones, which sub-millisecond figures need.
  middleware:
    groupFilter === 'bench'
      ? [
          (ctx, next) => {
            ctx.set('Cross-Origin-Opener-Policy', 'same-origin');
            ctx.set('Cross-Origin-Embedder-Policy', 'require-corp');
            return next();
          },
        ]
      : [],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath(),
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-dev-shm-usage',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--disable-quic',
          '--use-fake-ui-for-media-stream',
          '--use-fake-device-for-media-stream',
          '--autoplay-policy=no-user-gesture-required',
        ],
      },
    }),
  ],
};

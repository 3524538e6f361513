// Gzip size of what a page loads, per entry (issue #12), built the way an app's bundler would:
// esbuild, minified ES2022, Lit's production build, from the packages' sources (the same code as
// their dist/, css`` literals squeezed likewise). Each entry has a budget enforced by test/core/sizes.test.ts, and the target.
//
//   node scripts/sizes.mjs          table
//   node scripts/sizes.mjs --json   also one benchmark line per entry (npm run bench collects them)
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { SOURCE_CONDITION } from './source-paths.mjs';
import { cssLiterals } from './bundle.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The tags a listener's page uses (no request list, mode toggle, member list or inspector). */
export const LISTENER_TAGS = [
  'micseat-room',
  'mic-seat-grid',
  'mic-seat',
  'cohost-request-button',
  'mic-toggle',
  'invitation-prompt',
  'audio-unlock',
];
const listenerImports = LISTENER_TAGS.map((t) => `import '@micseat/elements/${t}';`).join('\n');

/**
 * budget: today's size plus a little room, enforced (growth is a decision, not an accident);
 * target: what issue #12 asks for. All kB gzip. `minus`: an entry whose size is subtracted (the
 * LiveKit page's target is "livekit-client + 35 kB").
 */
export const ENTRIES = [
  // +1 kB each (issue #13, decided): the stage look (backdrop, wave, crown, seat chips), the menu
  // controller, "Not in a room", a room's default layout, verdicts that fade, the People menu.
  { name: 'all elements, no backend', code: `import '@micseat/elements';`, budget: 63.5, target: 45 },
  { name: "a listener's elements", code: listenerImports, budget: 49, target: 30 },
  {
    // The page bundled whole (as an app's bundler makes it) minus livekit-client bundled alone.
    name: 'LiveKit listener page, over livekit-client',
    code: `${listenerImports}\nexport { LiveKitRoomBackend } from '@micseat/backend-livekit';`,
    minus: `export * from 'livekit-client';`,
    // 61 → 64 (issue #8): the host's authority and the codec close the hostile-input classes
    // (bounded JSON copy, keyed records, remembered outcomes, mute and avatar rules): +2.7 kB.
    budget: 65.5, // +1.5 kB: #13's stage look and fixes on top of the core's growth
    target: 35,
  },
];

const kB = (n) => Math.round((n / 1024) * 10) / 10;

/** { gzipKb, minifiedKb, inputs: { module: bytes } } of one entry. */
export async function measure(entry) {
  if (entry.minus) {
    const [whole, part] = [await measure({ code: entry.code }), await measure({ code: entry.minus })];
    return {
      gzipKb: kB((whole.gzipKb - part.gzipKb) * 1024),
      minifiedKb: kB((whole.minifiedKb - part.minifiedKb) * 1024),
      inputs: whole.inputs,
      wholeKb: whole.gzipKb,
      minusKb: part.gzipKb,
    };
  }
  const r = await build({
    stdin: { contents: entry.code, resolveDir: root, loader: 'ts', sourcefile: 'entry.ts' },
    absWorkingDir: root,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    tsconfig: join(root, 'tsconfig.json'),
    conditions: [SOURCE_CONDITION, 'module'],
    // The elements' css`` literals squeezed, as in their published dist/ (scripts/build-packages.mjs).
    plugins: [cssLiterals],
    metafile: true,
    logLevel: 'error',
  });
  const code = r.outputFiles[0].contents;
  const inputs = {};
  for (const o of Object.values(r.metafile.outputs))
    for (const [f, v] of Object.entries(o.inputs)) inputs[f] = v.bytesInOutput;
  return { gzipKb: kB(gzipSync(code, { level: 9 }).length), minifiedKb: kB(code.length), inputs };
}

export async function measureAll() {
  const rows = [];
  for (const e of ENTRIES) rows.push({ ...e, ...(await measure(e)) });
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await measureAll();
  for (const r of rows) {
    const whole = r.wholeKb ? ` (${r.wholeKb} - ${r.minusKb})` : '';
    console.log(
      `size: ${r.name.padEnd(44)} ${String(r.gzipKb).padStart(6)} kB gzip${whole}, budget ${r.budget}, target ${r.target}`,
    );
    if (process.argv.includes('--json')) {
      console.log(
        JSON.stringify({
          name: `gzip: ${r.name}`,
          value: r.gzipKb,
          unit: 'kB',
          target: `<= ${r.target} (issue #12; budget ${r.budget})`,
          ok: r.gzipKb <= r.target,
        }),
      );
    }
  }
}

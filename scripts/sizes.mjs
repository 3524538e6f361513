// Gzip size of what a page loads, per entry (issue #12), built the way an app's bundler would:
// esbuild, minified ES2022, Lit's production build, from the packages' sources (the same code as
// their dist/, css`` literals squeezed likewise). Each entry has a budget enforced by test/core/sizes.test.ts, and the target.
//
//   node scripts/sizes.mjs          table
//   node scripts/sizes.mjs --json   also one benchmark line per entry (npm run bench collects them)
import { build } from 'esbuild';
import { dirname, join, relative } from 'node:path';
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
 * target: what issue #12 asks for. All kB gzip. `external` modules are not counted (the LiveKit
 * page's target is "livekit-client + 35 kB").
 */
export const ENTRIES = [
  // +1 kB each (issue #13, decided): the stage look (backdrop, wave, crown, seat chips), the menu
  // controller, "Not in a room", a room's default layout, verdicts that fade, the People menu.
  // +1 kB each (issue #10, decided): every offer decided by core's policy (elements/src/offers.ts,
  // +0.4 kB) and the room element releasing its backend (+0.5 kB).
  { name: 'all elements, no backend', code: `import '@micseat/elements';`, budget: 64.5, target: 45 },
  { name: "a listener's elements", code: listenerImports, budget: 50, target: 30 },
  {
    // What the page loads up front besides livekit-client (kept external, as the CDN build does):
    // the entry and the chunks it imports statically, each gzipped as it is downloaded. The host's
    // authority (@micseat/backend-livekit/host) is a chunk the backend imports on the host only.
    name: 'LiveKit listener page, over livekit-client',
    code: `${listenerImports}\nexport { LiveKitRoomBackend } from '@micseat/backend-livekit';`,
    external: ['livekit-client'],
    // 61 → 64 (issue #8) → 65.5 (#13): measured then as the whole page minus livekit-client, with
    // the authority inside; now what loads up front, without it.
    budget: 65.5,
    target: 35,
  },
];

const kB = (n) => Math.round((n / 1024) * 10) / 10;

/** { gzipKb, minifiedKb, inputs: { module: bytes } } of one entry. */
export async function measure(entry) {
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
    external: entry.external ?? [],
    outdir: join(root, '.cache/sizes'),
    entryNames: 'entry',
    // As an app's bundler does: what is imported dynamically (a language on demand, the
    // virtualizer of a long list, the host's authority) becomes chunks fetched when needed.
    splitting: true,
    // The elements' css`` literals squeezed, as in their published dist/ (scripts/build-packages.mjs).
    plugins: [cssLiterals],
    metafile: true,
    logLevel: 'error',
  });
  // The entry and its static imports, transitively (dynamic imports load later, if ever).
  const outputs = r.metafile.outputs;
  const upFront = new Set();
  const visit = (file) => {
    if (upFront.has(file) || !outputs[file]) return;
    upFront.add(file);
    for (const i of outputs[file].imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(Object.keys(outputs).find((f) => outputs[f].entryPoint));
  let gzip = 0;
  let minified = 0;
  const inputs = {};
  for (const f of r.outputFiles) {
    const rel = relative(root, f.path);
    if (!upFront.has(rel)) continue;
    gzip += gzipSync(f.contents, { level: 9 }).length;
    minified += f.contents.length;
    for (const [i, v] of Object.entries(outputs[rel].inputs)) inputs[i] = v.bytesInOutput;
  }
  return { gzipKb: kB(gzip), minifiedKb: kB(minified), inputs, files: upFront.size };
}

export async function measureAll() {
  const rows = [];
  for (const e of ENTRIES) rows.push({ ...e, ...(await measure(e)) });
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await measureAll();
  for (const r of rows) {
    const whole = r.files > 1 ? ` (${r.files} files)` : '';
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

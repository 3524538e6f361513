// The public API of every published package, as api-extractor reports it (api/*.api.md, checked
// in): a change to what a package exports shows up in review as a change to its report.
//
//   node scripts/api-report.mjs           check: exit 1 when a report differs from the built API
//   node scripts/api-report.mjs --update  rewrite the reports (then commit them)
//
// Reads the built .d.ts files (dist/), so it builds the stale packages first. api-extractor comes
// from tools/ (it needs TypeScript's JS API; scripts/tools.mjs).
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPackages, publicPackages } from './build-packages.mjs';
import { ensureTools, toolsDir } from './tools.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const reportDir = join(root, 'api');

/** [{ pkg, entry: './dist/x.d.ts', report: 'name.api.md' }]: each package's typed entry points. */
export function apiEntries() {
  const list = [];
  for (const p of publicPackages()) {
    for (const [sub, target] of Object.entries(p.pkg.exports ?? {})) {
      if (typeof target !== 'object' || !target.types || !target.default) continue;
      // The elements' per-tag entries are re-exported by the index; report the index once.
      if (p.name === '@micseat/elements' && sub !== '.') continue;
      // The React wrappers: the index re-exports them; ./jsx is a module augmentation (no exports).
      if (p.name === '@micseat/react' && sub !== '.') continue;
      const name = p.dir + (sub === '.' ? '' : '-' + sub.slice(2).replace(/\//g, '-'));
      list.push({ pkg: p, entry: target.types, report: `${name}.api.md` });
    }
  }
  return list;
}

/** Runs api-extractor on every entry; returns [{ report, changed, errors }]. */
export function apiReports({ update = false } = {}) {
  if (!ensureTools()) throw new Error('the tools in tools/ could not be installed');
  buildPackages([], { ifStale: true });
  const { Extractor, ExtractorConfig } = createRequire(join(toolsDir, 'package.json'))('@microsoft/api-extractor');
  mkdirSync(reportDir, { recursive: true });
  const temp = mkdtempSync(join(tmpdir(), 'micseat-api-'));
  const results = [];
  try {
    for (const e of apiEntries()) {
      const errors = [];
      const config = ExtractorConfig.prepare({
        configObject: {
          projectFolder: e.pkg.path,
          mainEntryPointFilePath: join(e.pkg.path, e.entry),
          bundledPackages: [],
          compiler: {
            overrideTsconfig: {
              compilerOptions: {
                target: 'ES2022',
                module: 'ESNext',
                moduleResolution: 'bundler',
                lib: ['ES2022', 'DOM', 'DOM.Iterable'],
                strict: true,
                skipLibCheck: true,
                types: [],
              },
            },
          },
          apiReport: { enabled: true, reportFileName: e.report, reportFolder: reportDir, reportTempFolder: temp },
          docModel: { enabled: false },
          dtsRollup: { enabled: false },
          tsdocMetadata: { enabled: false },
          messages: {
            compilerMessageReporting: { default: { logLevel: 'error' } },
            // Missing release tags and TSDoc style are not what this report is for.
            extractorMessageReporting: { default: { logLevel: 'none' } },
            tsdocMessageReporting: { default: { logLevel: 'none' } },
          },
        },
        configObjectFullPath: undefined,
        packageJsonFullPath: join(e.pkg.path, 'package.json'),
      });
      const result = Extractor.invoke(config, {
        localBuild: update,
        messageCallback: (m) => {
          if (m.logLevel === 'error') errors.push(m.text);
          m.handled = true;
        },
      });
      results.push({ report: e.report, changed: result.apiReportChanged, errors, succeeded: result.succeeded });
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const update = process.argv.includes('--update');
  const results = apiReports({ update });
  let bad = 0;
  for (const r of results) {
    const state = r.errors.length
      ? `errors:\n  ${r.errors.join('\n  ')}`
      : r.changed
        ? update
          ? 'updated'
          : 'CHANGED'
        : 'same';
    console.log(`api: ${r.report.padEnd(32)} ${state}`);
    if (r.errors.length || (!update && r.changed)) bad += 1;
  }
  if (bad && !update)
    console.error('api: the public API changed; review, then run: node scripts/api-report.mjs --update');
  process.exit(bad ? 1 : 0);
}

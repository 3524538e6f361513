/**
 * Consumer tests (issue #12): the packages as a stranger gets them from npm. Every public package
 * is built and packed; the tarballs go into a fresh throwaway project (in the OS temp folder, deps
 * from the npm registry at pinned versions, one npm cache shared between runs); four apps are
 * built from it and played in Chromium: a Vite vanilla-TypeScript app (typechecked first), a React
 * 19 app on @micseat/react (typechecked first), a webpack app, and a plain HTML page loading the
 * CDN build through an import map. In each, a listener asks for a seat and the host accepts, on
 * the memory backend. These catch a missing file, a broken export map or a dependency left out.
 *
 * Prints how long each step took. Set MICSEAT_CONSUMERS_KEEP=1 to keep the temp project.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
// @ts-expect-error plain .mjs script without types
import { publicPackages } from '../../scripts/build-packages.mjs';
// @ts-expect-error plain .mjs script without types
import { ensureChromium } from '../../scripts/chromium-path.mjs';

const root = join(import.meta.dirname, '../..');
const apps = join(import.meta.dirname, 'apps');
/** Third-party versions the throwaway apps install (exact, as a user's lockfile would hold them). */
const PINNED = {
  vite: '8.3.8',
  typescript: '7.0.2',
  react: '19.3.1',
  'react-dom': '19.3.1',
  '@types/react': '19.3.3',
  '@types/react-dom': '19.3.0',
  webpack: '5.113.0',
  'webpack-cli': '7.3.1',
};
const NPM_CACHE = join(root, '.cache/npm-consumers');

const timings: [string, number][] = [];
async function timed<T>(label: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await fn();
  } finally {
    timings.push([label, performance.now() - started]);
  }
}

function run(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(out)
        : reject(new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${code}:\n${out.slice(-4000)}`)),
    );
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
  '.json': 'application/json',
};
function serve(dir: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    if (path === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

let work = '';
let server: Server;
let browser: Browser;
let base = '';

/** Opens `path`, asks for a seat as Bob, accepts as Alice; returns the page for more checks. */
async function playRequestAccept(path: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) errors.push(`${r.status()}: ${r.url()}`);
  });
  await page.goto(base + path);
  // Playwright's CSS selectors go through open shadow roots.
  const button = page.locator('#listener cohost-request-button [part~="button"]');
  await page.waitForFunction(
    () => document.querySelector('#listener cohost-request-button')?.matches(':state(idle)'),
    null,
    { timeout: 15_000 },
  );
  await button.click();
  const row = page.locator('#host request-list [part~="row"]', { hasText: 'Bob' });
  await row.waitFor({ timeout: 10_000 });
  await row.locator('[part~="accept"]').click();
  await page.waitForFunction(
    () => document.querySelector('#listener cohost-request-button')?.matches(':state(on-seat)'),
    null,
    { timeout: 10_000 },
  );
  // The host's grid shows Bob on a seat.
  await page.locator('#host mic-seat', { hasText: 'Bob' }).first().waitFor({ timeout: 5000 });
  return { page, errors };
}

describe('consumer apps built from the packed packages', { timeout: 600_000 }, () => {
  before(async () => {
    const chrome = ensureChromium();
    assert.ok(chrome, 'Chromium is needed for the consumer tests');
    work = mkdtempSync(join(tmpdir(), 'micseat-consumers-'));
    const tgz = join(work, 'tgz');
    mkdirSync(tgz);
    const pkgs = publicPackages() as { name: string; dir: string }[];
    await timed('build packages (only stale ones)', () =>
      run(process.execPath, [join(root, 'scripts/build-packages.mjs'), '--if-stale'], root),
    );
    await timed('npm pack (every public package)', () =>
      run('npm', ['pack', '--silent', '--pack-destination', tgz, ...pkgs.flatMap((p) => ['-w', p.name])], root),
    );
    const tarballs = readdirSync(tgz);
    assert.equal(tarballs.length, pkgs.length, `one tarball per public package: ${tarballs.join(', ')}`);
    const dependencies: Record<string, string> = { ...PINNED };
    for (const p of pkgs)
      dependencies[p.name] =
        `file:tgz/${tarballs.find((t) => t.startsWith(p.name.replace('@', '').replace('/', '-') + '-'))}`;
    writeFileSync(
      join(work, 'package.json'),
      JSON.stringify({ name: 'micseat-consumers', private: true, type: 'module', dependencies }, null, 2),
    );
    cpSync(apps, work, { recursive: true });
    await timed('npm install (registry, shared cache)', () =>
      run(
        'npm',
        ['install', '--no-audit', '--no-fund', '--prefer-offline', '--cache', NPM_CACHE, '--loglevel', 'error'],
        work,
      ),
    );
    server = await serve(work);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: chrome,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    server?.close();
    if (work && !process.env['MICSEAT_CONSUMERS_KEEP']) rmSync(work, { recursive: true, force: true });
    else if (work) console.log(`consumers: kept ${work}`);
    const total = timings.reduce((s, [, ms]) => s + ms, 0);
    console.log(
      `consumers: timings\n${timings.map(([l, ms]) => `  ${(ms / 1000).toFixed(1).padStart(6)} s  ${l}`).join('\n')}\n  ${(total / 1000).toFixed(1).padStart(6)} s  in all`,
    );
  });

  const bin = (name: string) => join(work, 'node_modules/.bin', name);

  it('a Vite vanilla-TypeScript app typechecks against the published .d.ts, builds and plays request → accept', async () => {
    await timed('vite-ts: tsc --noEmit', () => run(bin('tsc'), ['-p', 'vite-ts'], work));
    await timed('vite-ts: vite build', () =>
      run(bin('vite'), ['build', 'vite-ts', '--base', './', '--outDir', 'dist', '--logLevel', 'warn'], work),
    );
    const { page, errors } = await timed('vite-ts: Chromium, request → accept', () =>
      playRequestAccept('/vite-ts/dist/index.html'),
    );
    assert.equal(
      await page.evaluate(() => document.body.dataset['requested']),
      'any',
      'the typed seat-request event reached the app',
    );
    await page.close();
    assert.deepEqual(errors, []);
  });

  it('a React 19 app on @micseat/react typechecks, builds and plays request → accept, with typed onX callbacks', async () => {
    await timed('react: tsc --noEmit', () => run(bin('tsc'), ['-p', 'react'], work));
    await timed('react: vite build', () =>
      run(bin('vite'), ['build', 'react', '--base', './', '--outDir', 'dist', '--logLevel', 'warn'], work),
    );
    const { page, errors } = await timed('react: Chromium, request → accept', () =>
      playRequestAccept('/react/dist/index.html'),
    );
    await page.waitForFunction(() => document.getElementById('log')?.textContent === 'request any, accept true', null, {
      timeout: 5000,
    });
    await page.close();
    assert.deepEqual(errors, []);
  });

  it('a webpack app builds and plays request → accept', async () => {
    await timed('webpack: build', () => run(bin('webpack'), ['--config', 'webpack/webpack.config.cjs'], work));
    cpSync(join(work, 'webpack/index.html'), join(work, 'webpack/dist/index.html'));
    const { page, errors } = await timed('webpack: Chromium, request → accept', () =>
      playRequestAccept('/webpack/dist/index.html'),
    );
    await page.close();
    assert.deepEqual(errors, []);
  });

  it('a plain HTML page loads the CDN build through an import map and plays request → accept', async () => {
    cpSync(join(work, 'node_modules/@micseat/cdn/dist'), join(work, 'html-cdn/cdn'), { recursive: true });
    const loaded: string[] = [];
    const { page, errors } = await timed('html-cdn: Chromium, request → accept', async () => {
      const played = await playRequestAccept('/html-cdn/index.html');
      loaded.push(
        ...(await played.page.evaluate(() =>
          performance.getEntriesByType('resource').map((r) => r.name.replace(/.*\//, '')),
        )),
      );
      return played;
    });
    await page.close();
    assert.deepEqual(errors, []);
    assert.ok(
      !loaded.some((f) => f.startsWith('livekit-client')),
      `the memory page loads no livekit-client (loaded: ${loaded.join(', ')})`,
    );
  });
});

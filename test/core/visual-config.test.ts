/**
 * MICSEAT_VISUAL=all reaches the visual check: the runner's page sets the flag the check reads
 * (test/elements/visual-check.ts) and gives its long files the time they need.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';

async function configWith(env: Record<string, string | undefined>) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    const url = new URL(`../../web-test-runner.config.mjs?${Math.random()}`, import.meta.url);
    return (await import(url.href)).default as {
      testRunnerHtml?: (framework: string) => string;
      testsFinishTimeout: number;
    };
  } finally {
    process.env = saved;
  }
}

test('MICSEAT_VISUAL=all: the test page says so, and the files get an hour', async () => {
  const all = await configWith({ MICSEAT_VISUAL: 'all' });
  const page = all.testRunnerHtml?.('/framework.js') ?? '';
  assert.match(page, /window\.__micseatVisualAll = true/);
  assert.match(page, /src="\/framework\.js"/);
  assert.equal(all.testsFinishTimeout, 3_600_000);
});

test('without it: the sampled check and the usual page', async () => {
  const sampled = await configWith({ MICSEAT_VISUAL: undefined });
  assert.equal(sampled.testRunnerHtml, undefined);
  assert.equal(sampled.testsFinishTimeout, 600_000);
});

test('a misspelt value is refused, not ignored', async () => {
  await assert.rejects(configWith({ MICSEAT_VISUAL: 'everything' }), /MICSEAT_VISUAL must be "all"/);
});

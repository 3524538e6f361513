/**
 * The custom-elements manifest is generated from the classes' doc comments (issue #3, item 6).
 * This keeps the comments honest: every tag is there with a summary, every intent event an
 * element dispatches is a documented @fires, and every ::part its template writes is a @csspart.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-expect-error plain .mjs script without types
import { readManifest } from '../../scripts/generate-bindings.mjs';

const pkg = join(import.meta.dirname, '../../packages/elements');

interface Declaration {
  customElement?: boolean;
  tagName?: string;
  summary?: string;
  events?: { name: string }[];
  cssParts?: { name: string }[];
}

test('the manifest documents every element, its events and its parts', () => {
  // Analysed into a temp folder: the package's own copy is written by the build (and packed).
  const manifest = readManifest() as { modules: { path: string; declarations?: Declaration[] }[] };
  const tags = new Map<string, { path: string; d: Declaration }>();
  for (const mod of manifest.modules)
    for (const d of mod.declarations ?? [])
      if (d.customElement && d.tagName) tags.set(d.tagName, { path: mod.path, d });

  const expected = [
    'micseat-room',
    'mic-seat-grid',
    'mic-seat',
    'cohost-request-button',
    'request-list',
    'room-mode-toggle',
    'mic-toggle',
    'invitation-prompt',
    'connected-users',
    'audio-unlock',
    'room-inspector',
  ];
  assert.deepEqual([...tags.keys()].filter((t) => expected.includes(t)).sort(), [...expected].sort());

  const problems: string[] = [];
  for (const [tag, { path, d }] of tags) {
    if (!d.summary) problems.push(`${tag}: no @summary`);
    const source = readFileSync(join(pkg, path), 'utf8');
    const events = new Set((d.events ?? []).map((e) => e.name));
    for (const [, name] of source.matchAll(/intent\(\s*'([a-z-]+)'/g))
      if (!events.has(name!)) problems.push(`${tag}: dispatches '${name}' without @fires`);
    const parts = new Set((d.cssParts ?? []).map((p) => p.name));
    for (const [, list] of source.matchAll(/\bpart="([a-z -]+)"/g)) {
      for (const name of list!.split(' ').filter(Boolean))
        if (!parts.has(name)) problems.push(`${tag}: ::part(${name}) without @csspart`);
    }
  }
  assert.deepEqual(problems, []);
});

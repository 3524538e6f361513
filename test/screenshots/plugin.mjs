// `micseat-screenshot`: a test-runner command that saves a PNG of the page (or a clip of it) with
// Chromium's own screenshot, for `npm run screenshots` (test/screenshots/states.shot.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export function screenshotPlugin(outDir) {
  return {
    name: 'micseat-screenshot',
    async executeCommand({ command, payload, session }) {
      if (command !== 'micseat-screenshot') return undefined;
      if (!/^[a-z0-9-]+$/.test(String(payload?.name)))
        throw new Error('micseat-screenshot: name must be lowercase letters, digits and dashes');
      const page = session.browser.getPage(session.id);
      mkdirSync(outDir, { recursive: true });
      const path = join(outDir, `${payload.name}.png`);
      await page.screenshot({ path, ...(payload.clip ? { clip: payload.clip } : { fullPage: true }) });
      return path;
    },
  };
}

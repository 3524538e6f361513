#!/usr/bin/env node
/**
 * `micseat-server` (`npm run server` in the repository): runs one micseat service process configured by
 * environment variables (README.md). SIGTERM/SIGINT stop it cleanly (its rooms' leases are
 * released, so another process takes them over at once).
 */
import { MicseatService } from './service.js';
import { optionsFromEnv } from './config.js';

let options: ReturnType<typeof optionsFromEnv>;
try {
  options = optionsFromEnv();
} catch (e) {
  console.error(`micseat-server: ${(e as Error).message} (the settings are listed in the package README)`);
  process.exit(1);
}
// A closed stdout (a log pipe gone) must not take the rooms down with it.
process.stdout.on('error', () => undefined);
// rtc-node rejects its own pending waits with an AbortError when a room disconnects; anything
// else unhandled is a bug: crash, and let another process take the rooms over.
process.on('unhandledRejection', (e) => {
  if ((e as Error)?.name === 'AbortError') return;
  console.error('micseat-server: unhandled rejection', e);
  process.exit(1);
});
const service = new MicseatService(options);
await service.start();
console.log(
  JSON.stringify({
    message: 'micseat service listening',
    url: service.url,
    owner: service.owner,
    devAuth: process.env['MICSEAT_DEV_AUTH'] === '1',
  }),
);
const stop = async () => {
  await service.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
// Started by another program (scripts/micseat-service.mjs): end with it, however it ends (its
// end closes our stdin), so no service outlives a test run or a quickstart.
if (process.env['MICSEAT_EXIT_WITH_PARENT'] === '1') {
  process.stdin.on('end', () => void stop());
  process.stdin.on('error', () => void stop());
  process.stdin.resume();
}

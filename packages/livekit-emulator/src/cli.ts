/**
 * Standalone start (the test plugin runs it this way too, as a child process):
 *
 *   npx tsx packages/livekit-emulator/src/cli.ts [--host 127.0.0.1] [--port 7880]
 *     [--webhook URL]... [--api-key K --api-secret S] [--update-batch-ms 3000] [--verbose]
 *
 * Keys default to LIVEKIT_EMULATOR_API_KEY / LIVEKIT_EMULATOR_API_SECRET, then to built-in dev keys.
 * Prints one JSON line `{ url, httpUrl, apiKey, apiSecret }` on stdout once listening; logs go
 * to stderr. Stops on SIGINT/SIGTERM, or when its parent's IPC channel closes.
 */
import { startEmulator } from './server.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const all = (name: string) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]] : []));

// Logs must not mix with the JSON line on stdout.
console.log = (...a: unknown[]) => console.error(...a);

const emu = await startEmulator({
  port: Number(arg('--port') ?? 0),
  host: arg('--host') ?? '127.0.0.1',
  apiKey: arg('--api-key') ?? process.env.LIVEKIT_EMULATOR_API_KEY ?? undefined,
  apiSecret: arg('--api-secret') ?? process.env.LIVEKIT_EMULATOR_API_SECRET ?? undefined,
  webhookUrls: all('--webhook'),
  participantUpdateBatchMs: arg('--update-batch-ms') !== undefined ? Number(arg('--update-batch-ms')) : undefined,
  verbose: args.includes('--verbose'),
});
process.stdout.write(
  `${JSON.stringify({ url: emu.url, httpUrl: emu.httpUrl, apiKey: emu.apiKey, apiSecret: emu.apiSecret })}\n`,
);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  const force = setTimeout(() => process.exit(0), 3000);
  force.unref();
  void emu.stop().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('disconnect', stop);

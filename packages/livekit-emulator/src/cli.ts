/**
 * Standalone start: `npx tsx packages/livekit-emulator/src/cli.ts [--port 7880] [--webhook URL]`.
 * Prints the URL and keys; stops on SIGINT/SIGTERM.
 */
import { startEmulator } from './server.js';

const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const emu = await startEmulator({
  port: Number(arg('--port') ?? 0),
  host: arg('--host') ?? '127.0.0.1',
  apiKey: process.env.LIVEKIT_API_KEY ?? undefined,
  apiSecret: process.env.LIVEKIT_API_SECRET ?? undefined,
  webhookUrls: arg('--webhook') ? [arg('--webhook')!] : [],
  verbose: args.includes('--verbose'),
});
console.log(JSON.stringify({ url: emu.url, httpUrl: emu.httpUrl, apiKey: emu.apiKey, apiSecret: emu.apiSecret }));
const stop = () => void emu.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

/**
 * `node --import tsx packages/server/src/cli.ts`: runs one micseat service process configured by
 * environment variables (README.md). SIGTERM/SIGINT stop it cleanly (its rooms' leases are
 * released, so another process takes them over at once).
 */
import { MicseatService } from './service.js';
import { optionsFromEnv } from './config.js';

const options = optionsFromEnv();
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

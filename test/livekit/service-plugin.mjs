// @web/test-runner plugin: the room service (@micseat/server) for browser tests of the
// server-authority mode. On the first `svc:` command it starts a LiveKit server of its own
// (scripts/livekit-server.mjs, webhooks to the service) and the service itself as a child process
// (scripts/micseat-service.mjs: `npm run server` with development tokens, the real Redis at
// 127.0.0.1:6379 under a key prefix of this run), and stops both with the runner (the prefix's
// keys are deleted). Nothing starts for test groups that never ask.
// Browser tests use it through test/livekit/service-env.ts; the commands are its wire format.
//
// Commands (payload -> result):
//   svc:start        {}                                   -> { url, serviceUrl }
//   svc:token        { room, identity, name?, role }      -> { ok: true, value: POST /token body } | { ok: false, error }
//   svc:participant  { room, identity }                   -> { ok: true, value: ParticipantInfo JSON | null } | { ok: false, error }
import { randomBytes } from 'node:crypto';
import { RoomServiceClient } from 'livekit-server-sdk';
import { startLiveKitServer } from '../../scripts/livekit-server.mjs';
import { dropRedisKeys, freePort, startMicseatService } from '../../scripts/micseat-service.mjs';

const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export function servicePlugin() {
  const prefix = `micseat-test:wtr:${process.pid}:${randomBytes(4).toString('hex')}:`;
  let starting;
  let livekit;
  let service;
  let api;

  async function start() {
    const port = await freePort();
    livekit = await startLiveKitServer({ webhookUrls: [`http://127.0.0.1:${port}/webhook`], log: () => undefined });
    service = await startMicseatService({
      livekit,
      port,
      env: {
        MICSEAT_DEV_AUTH: '1',
        MICSEAT_REDIS_PREFIX: prefix,
        // Webhooks place rooms at once; the sweep is the fallback for a lost one.
        MICSEAT_SWEEP_MS: '1000',
      },
      log: process.env.MICSEAT_SERVER_LOG ? (line) => console.error(`[micseat-service] ${line}`) : undefined,
    });
    api = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
    service.exited.then((code) => {
      if (!service.stopping) console.error(`[micseat-service] exited unexpectedly (${code})`);
    });
  }

  return {
    name: 'micseat-service',
    async serverStart() {},
    async serverStop() {
      if (!starting) return;
      await starting.catch(() => undefined);
      if (service) {
        service.stopping = true;
        await service.stop();
      }
      await livekit?.stop();
      await dropRedisKeys(REDIS_URL, prefix).catch(() => undefined);
    },
    async executeCommand({ command, payload }) {
      if (!command.startsWith('svc:')) return undefined;
      starting ??= start();
      await starting;
      try {
        switch (command) {
          case 'svc:start':
            return { url: livekit.url, serviceUrl: service.url };
          case 'svc:token': {
            const r = await fetch(`${service.url}/token`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(payload),
            });
            const body = await r.json();
            return r.ok ? { ok: true, value: body } : { ok: false, error: { ...body.error, status: r.status } };
          }
          case 'svc:participant': {
            const list = await api.listParticipants(payload.room);
            const p = list.find((x) => x.identity === payload.identity);
            return { ok: true, value: p ? p.toJson({ emitDefaultValues: true }) : null };
          }
          default:
            return undefined;
        }
      } catch (e) {
        return { ok: false, error: { message: String(e?.message ?? e), code: e?.code, status: e?.status } };
      }
    },
  };
}

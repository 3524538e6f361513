// The service as the room's authority on the real LiveKit server, with the real Redis: placement
// by webhook, the protocol over rtc-node participants, and seats enforced by the LiveKit server
// itself (permissions granted on seat, revoked on kick; an unseated publish refused; removal).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { AudioSource, dispose, LocalAudioTrack, RpcError, TrackPublishOptions, TrackSource } from '@livekit/rtc-node';
import { RoomServiceClient, TrackSource as ApiTrackSource } from 'livekit-server-sdk';
import { developmentAuthorize, MicseatService } from '@micseat/server';
import { dropPrefix, post, ProtocolClient, startLiveKit, testPrefix, waitFor, type LiveKitHandle } from './helpers.ts';

const prefix = testPrefix('e2e');
let lk: LiveKitHandle;
let service: MicseatService;
let api: RoomServiceClient;
const clients: ProtocolClient[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function join(room: string, identity: string, role: 'host' | 'cohost' | 'audience'): Promise<ProtocolClient> {
  const t = await post(`${service.url}/token`, { room, identity, name: identity.toUpperCase(), role });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  const c = new ProtocolClient(identity);
  clients.push(c);
  await c.connect(lk.url, t.body.token);
  await c.ready();
  const joined = await c.send({ type: 'join', name: identity.toUpperCase() });
  assert.ok(joined.ok, JSON.stringify(joined));
  return c;
}

async function participant(room: string, identity: string) {
  return (await api.listParticipants(room)).find((p) => p.identity === identity);
}

async function publishMic(c: ProtocolClient): Promise<void> {
  const source = new AudioSource(48_000, 1);
  const track = LocalAudioTrack.createAudioTrack('mic', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await c.lk.localParticipant!.publishTrack(track, options);
}

before(async () => {
  const port = await freePort();
  lk = await startLiveKit([`http://127.0.0.1:${port}/webhook`]);
  api = new RoomServiceClient(lk.httpUrl, lk.apiKey, lk.apiSecret);
  service = new MicseatService({
    livekitUrl: lk.url,
    apiKey: lk.apiKey,
    apiSecret: lk.apiSecret,
    redisUrl: 'redis://127.0.0.1:6379',
    prefix,
    port,
    leaseMs: 4_000,
    sweepMs: 1_000,
    authorize: developmentAuthorize,
    commandRate: { burst: 30, perSecond: 10 },
    log: process.env['MICSEAT_SERVER_LOG']
      ? (m, f) => console.error('[service]', m, JSON.stringify(f ?? {}))
      : () => undefined,
  });
  await service.start();
});

after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await service?.stop();
  await lk?.stop();
  await dropPrefix(prefix);
  await dispose(); // rtc-node's native side keeps the process alive otherwise
});

describe('server authority on the real LiveKit server', () => {
  test('request → accept grants publish at the LiveKit server; the seated client publishes; kick revokes it', async () => {
    const room = 'stage-1';
    const host = await join(room, 'alice', 'host');
    await waitFor(() => service.rooms.has(room), 'the room is served by this process (placed by webhook or sweep)');
    const bob = await join(room, 'bob', 'audience');
    assert.equal((await participant(room, 'bob'))?.permission?.canPublish, false, 'a listener starts without publish');
    assert.equal(
      (await participant(room, 'alice'))?.permission?.canPublish,
      true,
      'the host publishes from the host seat',
    );

    const asked = await bob.send({ type: 'request-seat', requestId: 'bob-r1', seat: 'any', media: 'audio' });
    assert.ok(asked.ok, JSON.stringify(asked));
    await waitFor(() => host.room?.requests['bob-r1']?.status === 'pending', 'the host sees the request');
    const accepted = await host.send({ type: 'accept-request', requestId: 'bob-r1' });
    assert.ok(accepted.ok, JSON.stringify(accepted));
    // Durable and enforced before the answer: the grant is already at the LiveKit server.
    const granted = await participant(room, 'bob');
    assert.equal(granted?.permission?.canPublish, true);
    assert.deepEqual(granted?.permission?.canPublishSources, [ApiTrackSource.MICROPHONE]);
    assert.equal(granted?.permission?.canUpdateMetadata, false);
    await waitFor(() => bob.room?.seats.some((s) => s.userId === 'bob') ?? false, 'bob sees himself seated');

    await publishMic(bob);
    await waitFor(
      async () => ((await participant(room, 'bob'))?.tracks.length ?? 0) === 1,
      'bob’s microphone is published at the server',
    );

    const seat = host.room!.seats.findIndex((s) => s.userId === 'bob');
    const kicked = await host.send({ type: 'kick-seat', seat });
    assert.ok(kicked.ok, JSON.stringify(kicked));
    const revoked = await participant(room, 'bob');
    assert.equal(revoked?.permission?.canPublish, false, 'kick revokes publish at the server');
    await waitFor(
      async () => ((await participant(room, 'bob'))?.tracks.length ?? 1) === 0,
      'the server unpublished bob’s track',
    );
  });

  test("an unseated client's publish is refused by the LiveKit server itself", async () => {
    const room = 'stage-2';
    await join(room, 'alice2', 'host');
    const carol = await join(room, 'carol', 'audience');
    await assert.rejects(publishMic(carol), 'publishing without a seat fails');
    assert.equal((await participant(room, 'carol'))?.tracks.length, 0);
  });

  test('a moderator mute mutes at the server; removal takes the member out of the LiveKit room', async () => {
    const room = 'stage-3';
    const host = await join(room, 'alice3', 'host');
    await host.send({ type: 'set-mode', mode: 'free' });
    const dan = await join(room, 'dan', 'audience');
    const taken = await dan.send({ type: 'take-seat', seat: 2 });
    assert.ok(taken.ok, JSON.stringify(taken));
    await publishMic(dan);
    await waitFor(async () => ((await participant(room, 'dan'))?.tracks.length ?? 0) === 1, 'dan publishes');
    assert.ok((await host.send({ type: 'mute-seat', seat: 2, muted: true })).ok);
    await waitFor(
      async () => (await participant(room, 'dan'))?.tracks[0]?.muted === true,
      'the server muted dan’s microphone',
    );

    const erin = await join(room, 'erin', 'audience');
    void erin;
    assert.ok((await host.send({ type: 'remove-member', userId: 'erin' })).ok);
    await waitFor(async () => !(await participant(room, 'erin')), 'erin is removed from the LiveKit room');
  });

  test('bad input over RPC: malformed and oversized payloads refused, duplicates answered once, a flood rate-limited', async () => {
    const room = 'stage-4';
    await join(room, 'alice4', 'host');
    const mallory = await join(room, 'mallory', 'audience');
    for (const payload of [
      '{nope',
      '[]',
      JSON.stringify({ v: 1, t: 'cmd', id: 'x', cmd: { type: 'leave-seat' } }),
      JSON.stringify({ v: 3, t: 'cmd', id: 'x', cmd: { type: 'leave-seat' } }),
      JSON.stringify({ v: 2, t: 'cmd', cmd: {} }),
    ]) {
      await assert.rejects(
        mallory.rpc('micseat.cmd', payload),
        (e: unknown) => e instanceof RpcError && e.code === 2000,
        payload,
      );
    }
    const invalid = await mallory.send({ type: 'take-seat', seat: -1 });
    assert.equal(invalid.ok, false);
    assert.equal(!invalid.ok && invalid.error.code, 'invalid-command');
    // Oversized: a signal larger than allowed, and a payload larger than a wire message may be.
    // Either the transport refuses it or the authority answers with a typed refusal; nothing runs.
    const before = mallory.room!.version;
    for (const size of [12_000, 70_000]) {
      const answer = await mallory
        .rpc(
          'micseat.cmd',
          JSON.stringify({
            v: 2,
            t: 'cmd',
            id: `big-${size}`,
            cmd: { type: 'signal', name: 'x', payload: 'y'.repeat(size) },
          }),
        )
        .then(
          (a) => JSON.parse(a).res.res,
          (e: unknown) => ({ rejected: String(e) }),
        );
      assert.ok(
        'rejected' in answer || (!answer.ok && ['too-large', 'invalid-command'].includes(answer.error.code)),
        JSON.stringify(answer).slice(0, 200),
      );
    }
    assert.equal(mallory.room!.version, before);
    // The same correlation id twice: one request, the same answer.
    const first = await mallory.send({ type: 'request-seat', requestId: 'm-1', seat: 'any', media: 'audio' }, 'dup-1');
    const again = await mallory.send({ type: 'request-seat', requestId: 'm-1', seat: 'any', media: 'audio' }, 'dup-1');
    assert.deepEqual(again, first);
    // A flood: past the caller's budget every command is refused with rate-limited, nothing lost.
    const answers = await Promise.all(Array.from({ length: 60 }, () => mallory.send({ type: 'set-mic', mic: 'off' })));
    const limited = answers.filter((a) => !a.ok && a.error.code === 'rate-limited');
    assert.ok(limited.length >= 20, `${limited.length} of 60 rate-limited`);
    assert.ok(
      answers.every((a) => a.ok || a.error.code === 'rate-limited' || a.error.code === 'not-seated'),
      JSON.stringify(answers.find((a) => !a.ok && a.error.code !== 'rate-limited')),
    );
    // The authority still serves everyone else.
    const zoe = await join(room, 'zoe', 'audience');
    assert.ok(zoe.room?.members['mallory']);
  });
});

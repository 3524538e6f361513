/**
 * The browser side of the server authority, end to end: LiveKitRoomBackend with
 * `authority: 'server'` (real livekit-client in Chromium, Chromium's fake microphone), the real
 * LiveKit server, and the room service (@micseat/server, with the real Redis) started by
 * test/livekit/service-plugin.mjs. What is checked is what people see and what the LiveKit
 * server itself enforces (its own participant list: permissions and published tracks).
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { createActor } from 'xstate';
import { roomMachine, type RoomActor, type RoomState } from '@micseat/core';
import '@micseat/elements';
import type { MicseatRoom } from '@micseat/elements';
import type { LiveKitRoomBackend } from '@micseat/backend-livekit';
import { createLocalAudioTrack, Track } from 'livekit-client';
import { AUDIBLE, ear, waitFor } from './env.js';
import { createServiceRoom, participantAtServer, service, type ServiceRoom } from './service-env.js';

await service();

const seatOf = (room: RoomState | null, id: string) => room?.seats.find((s) => s.userId === id)?.index ?? -1;

/** Polls the LiveKit server until `check` holds for `identity`'s participant info. */
async function atServer(
  room: string,
  identity: string,
  what: string,
  check: (p: Awaited<ReturnType<typeof participantAtServer>>) => boolean,
  timeoutMs = 10_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = await participantAtServer(room, identity);
    if (check(p)) return p;
    if (Date.now() > until)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(p)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('LiveKit backend with the server authority, end to end', function () {
  this.timeout(90_000);
  let room: ServiceRoom | null = null;
  const actors: RoomActor[] = [];
  afterEach(async () => {
    for (const a of actors.splice(0)) a.stop();
    await room?.close();
    room = null;
  });

  /** A listener driven by the room machine, as the elements drive it (prepare opens the mic). */
  async function listener(r: ServiceRoom, identity: string) {
    const backend = await r.make(identity, 'audience');
    const actor = createActor(roomMachine, { input: { backend, name: identity } });
    actors.push(actor);
    actor.start();
    await waitFor(`${identity} connected`, () => actor.getSnapshot().value === 'connected', 30_000);
    return { backend, actor };
  }

  /** The host accepts `who`'s request; resolves once `who` speaks with a published mic. */
  async function seatBy(host: LiveKitRoomBackend, who: { backend: LiveKitRoomBackend; actor: RoomActor }) {
    const id = who.backend.identity;
    who.actor.send({ type: 'REQUEST_SEAT' });
    const request = await waitFor(
      'the host to see the request',
      () => Object.values(host.room?.requests ?? {}).find((q) => q.userId === id && q.status === 'pending'),
      15_000,
    );
    const accepted = await host.send({ type: 'accept-request', requestId: request.id });
    expect(accepted.ok, JSON.stringify(accepted)).to.equal(true);
    await waitFor(
      `${id} on seat with the mic on`,
      () => who.actor.getSnapshot().context.request?.getSnapshot().value === 'onSeat',
      20_000,
    );
  }

  it('request → accept: the server grants publish, the listener’s mic opens after the grant, the host hears it', async () => {
    room = createServiceRoom('heard');
    const host = await room.join('alice', 'host', 'Alice');
    const bob = await listener(room, 'bob');
    const before = await participantAtServer(room.name, 'bob');
    expect(before?.permission?.canPublish, 'a listener’s token does not publish').to.equal(false);

    await seatBy(host, bob);
    expect(bob.backend.lk!.localParticipant.isMicrophoneEnabled).to.equal(true);
    const granted = await atServer(room.name, 'bob', 'bob’s published mic', (p) => (p?.tracks.length ?? 0) === 1);
    expect(granted!.permission!.canPublish).to.equal(true);
    await waitFor('the host to see bob’s mic on', () => host.room?.members['bob']?.mic === 'on', 10_000);
    const heard = ear(host, 'bob');
    await waitFor('the host to hear bob', () => heard.state.peak > AUDIBLE, 15_000);
    heard.off();
    expect(host.media.subscribed).to.include('bob');
  });

  it('kick: publish is revoked at the server, the audio stops, and the mic state follows', async () => {
    room = createServiceRoom('kick');
    const host = await room.join('alice', 'host', 'Alice');
    const bob = await listener(room, 'bob');
    await seatBy(host, bob);
    const heard = ear(host, 'bob');
    await waitFor('the host to hear bob', () => heard.state.peak > AUDIBLE, 15_000);

    const kicked = await host.send({ type: 'kick-seat', seat: seatOf(host.room, 'bob') });
    expect(kicked.ok, JSON.stringify(kicked)).to.equal(true);
    // Revoked before the answer (the service applies permissions before it answers).
    const revoked = await participantAtServer(room.name, 'bob');
    expect(revoked?.permission?.canPublish, 'publish revoked at the server').to.equal(false);
    await atServer(room.name, 'bob', 'the server to unpublish bob’s mic', (p) => p?.tracks.length === 0);
    await waitFor(
      'the host to stop hearing bob',
      () => heard.state.now === 0 && !host.media.subscribed.includes('bob'),
    );
    heard.off();
    await waitFor('bob’s mic reported off', () => host.room?.members['bob']?.mic === 'off', 10_000);
    expect(bob.backend.lk!.localParticipant.isMicrophoneEnabled).to.equal(false);
    expect(bob.actor.getSnapshot().context.notice?.code).to.equal('removed-from-seat');
  });

  it('an unseated client cannot publish: the honest one times out waiting for a grant, a forged publish is refused by the LiveKit server', async () => {
    room = createServiceRoom('unseated');
    const host = await room.join('alice', 'host', 'Alice');
    const honest = await room.join('carol', 'audience', 'Carol', { grantWaitMs: 1_500 });
    const opened = await honest.media.setMic(true);
    expect(opened.ok).to.equal(false);
    expect(!opened.ok && opened.error.code).to.equal('timeout');
    expect(honest.lk!.localParticipant.isMicrophoneEnabled).to.equal(false);

    // A dishonest client believes it may publish and tries anyway: the LiveKit server refuses.
    const rogue = await room.join('mallory', 'audience', 'Mallory');
    const lp = rogue.lk!.localParticipant;
    (lp as unknown as { permissions: unknown }).permissions = {
      ...lp.permissions,
      canPublish: true,
      canPublishSources: [],
    };
    const track = await createLocalAudioTrack();
    const attempt = await lp.publishTrack(track, { source: Track.Source.Microphone }).then(
      () => 'published',
      (e: unknown) => `refused: ${String((e as Error)?.message ?? e)}`,
    );
    track.stop();
    expect(attempt).to.match(/^refused/);
    for (const id of ['carol', 'mallory']) {
      const p = await participantAtServer(room.name, id);
      expect(p?.tracks.length, `${id} publishes nothing at the server`).to.equal(0);
      expect(p?.permission?.canPublish).to.equal(false);
    }
    expect(host.media.subscribed).to.not.include('mallory');
  });

  it('the host’s tab closes: the room carries on (a cohost accepts a request) and everyone sees “Host away”', async () => {
    room = createServiceRoom('away');
    const host = await room.join('alice', 'host', 'Alice');
    const cohost = await room.join('cora', 'cohost', 'Cora');
    expect(cohost.room?.members['cora']?.role).to.equal('cohost');
    const backend = await room.make('bob', 'audience');
    const el = await fixture<MicseatRoom>(
      html`<micseat-room .backend=${backend} name="Bob" lang="en"><mic-seat-grid></mic-seat-grid></micseat-room>`,
    );
    const until = (check: () => unknown, message: string, timeout = 15_000) =>
      waitUntil(() => !!check(), message, { timeout, interval: 25 });
    await until(() => el.actor?.getSnapshot().value === 'connected', 'bob connected', 30_000);
    const banner = () => el.shadowRoot!.querySelector('[part="host-away"]');
    expect(banner()).to.equal(null);

    // Closing the tab: livekit-client leaves the LiveKit room (no `leave-room`: the room goes on).
    await host.lk!.disconnect();
    await until(() => banner()?.textContent?.trim() === 'Host away', 'bob sees “Host away”');
    await until(
      () => el.shadowRoot!.querySelector('[part="announcer"]')?.textContent === 'The host is away; the room carries on',
      'it is announced',
    );
    expect(el.matches(':state(host-away)')).to.equal(true);

    // Requests still queue, and a cohost still moderates.
    el.actor!.send({ type: 'REQUEST_SEAT' });
    const request = await waitFor(
      'cora to see bob’s request',
      () => Object.values(cohost.room?.requests ?? {}).find((q) => q.userId === 'bob' && q.status === 'pending'),
      15_000,
    );
    const accepted = await cohost.send({ type: 'accept-request', requestId: request.id });
    expect(accepted.ok, JSON.stringify(accepted)).to.equal(true);
    await until(() => el.actor!.getSnapshot().context.request?.getSnapshot().value === 'onSeat', 'bob on seat', 20_000);
    const heard = ear(cohost, 'bob');
    await waitFor('cora to hear bob', () => heard.state.peak > AUDIBLE, 15_000);
    heard.off();

    // The host comes back (a new tab, a fresh token with the host role): the banner goes.
    const back = await room.join('alice', 'host', 'Alice');
    expect(back.room?.hostId).to.equal('alice');
    await until(() => banner() === null, 'the banner goes when the host is back');
    await until(
      () => el.shadowRoot!.querySelector('[part="announcer"]')?.textContent === 'The host is back',
      'the return is announced',
    );
  });

  it('bad options are a typed error, before anything connects', async () => {
    const { url } = await service();
    const { LiveKitRoomBackend } = await import('@micseat/backend-livekit');
    const cases: [Record<string, unknown>, string][] = [
      [{ url, token: 'x', authority: 'cloud' }, 'authority'],
      [{ url, token: 'x' }, 'hostIdentity'],
      [{ url: 'http://nope', token: 'x', authority: 'server' }, 'url'],
      [{ url, token: '', authority: 'server' }, 'token'],
      [{ url, token: 'x', authority: 'server', grantWaitMs: -1 }, 'grantWaitMs'],
    ];
    for (const [options, field] of cases) {
      const b = new LiveKitRoomBackend(options as never);
      const r = await b.connect({ name: 'X' });
      expect(r.ok).to.equal(false);
      expect(!r.ok && r.error.code, field).to.equal('invalid-command');
      expect(!r.ok && r.error.details?.['field']).to.equal(field);
      expect(b.status).to.equal('disconnected');
      expect(b.lk).to.equal(null);
    }
  });
});

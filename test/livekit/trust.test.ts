/**
 * Trust and failure edges of LiveKitRoomBackend: roles come from the token, only the host
 * speaks for the room, malformed input is typed, media failures are typed.
 */
import { expect } from '@open-wc/testing';
import { decode, encodeDelta } from '@micseat/core';
import { RoomEvent } from 'livekit-client';
import { DATA_TOPIC, METHOD_COMMAND, rpcFailure } from '@micseat/backend-livekit';
import { targets, waitFor } from './env.js';
import { createLkRoom, type LkRoom } from './harness.js';

const all = await targets();

describe('LiveKit RPC failure mapping', () => {
  it('maps LiveKit RPC codes to typed errors, never a refusal by the authority', () => {
    const code = (c: number) => {
      const r = rpcFailure({ code: c, message: 'x' });
      return r.ok ? 'ok' : r.error.code;
    };
    expect([1501, 1503, 1401, 1400, 1505].map(code)).to.deep.equal(Array(5).fill('host-unreachable'));
    expect(code(1502)).to.equal('timeout');
    expect(code(1504)).to.equal('too-large');
    expect(code(2000)).to.equal('malformed');
    expect(code(-1)).to.equal('host-unreachable');
  });
});

for (const target of all) {
  describe(`LiveKit backend trust and failures [${target.name}]`, function () {
    this.timeout(30_000);
    let room: LkRoom | null = null;
    afterEach(async () => {
      await room?.close();
      room = null;
    });

    it('a cohost by token attribute may accept requests; an audience member may not', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      const co = await room.join('c-co', 'cohost');
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      // Joins can reach the host before the participant info (with the token's attributes); the
      // host then upgrades the member when it arrives.
      await waitFor(
        'c-co to be cohost everywhere',
        () => host.room!.members['c-co']?.role === 'cohost' && a.room?.members['c-co']?.role === 'cohost',
      );
      expect(host.room!.members['c-a']!.role).to.equal('audience');
      await a.send({ type: 'request-seat', requestId: 'tr-q', seat: 'any', media: 'audio' });
      await waitFor('b to see the request', () => b.room?.requests['tr-q']);
      const refused = await b.send({ type: 'accept-request', requestId: 'tr-q' });
      expect(!refused.ok && refused.error.code).to.equal('not-allowed');
      await waitFor('co to see the request', () => co.room?.requests['tr-q']);
      await waitFor('co to know it is cohost', () => co.room?.members['c-co']?.role === 'cohost');
      const accepted = await co.send({ type: 'accept-request', requestId: 'tr-q' });
      expect(accepted.ok, JSON.stringify(accepted)).to.equal(true);
      await waitFor('a seated', () => a.room?.seats.some((s) => s.userId === 'c-a'));
    });

    it('a non-host cannot claim host (join as host is the token identity’s, not the client’s)', async () => {
      room = createLkRoom(target);
      await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      // Whatever a client sends, its role is what the host reads from the token.
      const res = await a.send({ type: 'set-mode', mode: 'free' });
      expect(!res.ok && res.error.code).to.equal('not-allowed');
      expect(a.room!.hostId).to.equal('c-host');
    });

    it('deltas on the micseat topic from anyone but the host are ignored', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      const v = a.room!.version;
      const forged = encodeDelta(v + 1, Date.now(), { mode: 'free' }, [{ type: 'mode-changed', mode: 'free' }]);
      await b.lk!.localParticipant.publishData(new TextEncoder().encode(JSON.stringify(forged)), {
        reliable: true,
        topic: DATA_TOPIC,
      });
      await new Promise((r) => setTimeout(r, 800));
      expect(a.room!.mode).to.equal('request');
      expect(host.room!.mode).to.equal('request');
    });

    it('malformed RPC payloads get typed answers; an invalid command is invalid-command', async () => {
      room = createLkRoom(target);
      await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const garbage = await a
        .lk!.localParticipant.performRpc({ destinationIdentity: 'c-host', method: METHOD_COMMAND, payload: '{"nope":' })
        .then(
          () => null,
          (e: { code: number }) => e.code,
        );
      expect(garbage).to.equal(2000);
      const bad = await a.lk!.localParticipant.performRpc({
        destinationIdentity: 'c-host',
        method: METHOD_COMMAND,
        payload: JSON.stringify({ v: 2, t: 'cmd', id: 'x-1', cmd: { type: 'take-seat', seat: 'one' } }),
      });
      const m = decode((JSON.parse(bad) as { res: unknown }).res);
      expect(m.ok && m.value.t === 'res' && !m.value.res.ok && m.value.res.error.code).to.equal('invalid-command');
      const system = await a.send({ type: 'presence', userId: 'c-host', connected: false });
      expect(!system.ok && system.error.code).to.equal('not-allowed');
      const unknown = await a
        .lk!.localParticipant.performRpc({ destinationIdentity: 'c-host', method: 'micseat.nope', payload: '' })
        .then(
          () => null,
          (e: { code: number }) => e.code,
        );
      expect(unknown).to.equal(1400);
    });

    it('a member removed by the host leaves the transport and is unseated', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await room.join('c-a', 'audience');
      await waitFor('free at a', () => a.room?.mode === 'free');
      expect((await a.send({ type: 'take-seat', seat: 0 })).ok).to.equal(true);
      const removed = await host.send({ type: 'remove-member', userId: 'c-a' });
      expect(removed.ok, JSON.stringify(removed)).to.equal(true);
      await waitFor('a disconnected', () => a.status === 'disconnected');
      expect(host.room!.seats[0]!.userId).to.equal(null);
      const after = await a.send({ type: 'take-seat', seat: 0 });
      expect(!after.ok && after.error.code).to.equal('disconnected');
    });

    it('a microphone that does not exist is no-device; audio is not blocked here and unlock resolves', async () => {
      room = createLkRoom(target);
      await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const res = await a.media.setMic(true, { deviceId: 'no-such-microphone' });
      expect(!res.ok && res.error.code, JSON.stringify(res)).to.equal('no-device');
      expect(a.media.audioBlocked).to.equal(false);
      await a.media.unlockAudio();
      expect(a.media.audioBlocked).to.equal(false);
    });

    it('connect fails typed: no host → host-unreachable; a forged token → not-allowed (status says why)', async () => {
      room = createLkRoom(target);
      const lonely = await room.make('c-a', 'audience', { hostWaitMs: 500 });
      const errors: string[] = [];
      lonely.onStatus((s, e) => e && errors.push(`${s}:${e.code}`));
      const r = await lonely.connect({ name: 'A' });
      expect(!r.ok && r.error.code).to.equal('host-unreachable');
      expect(lonely.status).to.equal('disconnected');
      expect(errors).to.deep.equal(['disconnected:host-unreachable']);
      const forged = await room.make('c-b', 'audience');
      const { LiveKitRoomBackend } = await import('@micseat/backend-livekit');
      const [h, b, sig] = (forged as unknown as { options: { token: string } }).options.token.split('.');
      const bad = new LiveKitRoomBackend({
        url: target.url,
        token: `${h}.${b}.${sig!.slice(0, -4)}AAAA`,
        hostIdentity: 'c-host',
      });
      const r2 = await bad.connect({ name: 'B' });
      expect(!r2.ok && r2.error.code).to.equal('not-allowed');
      expect(bad.status).to.equal('disconnected');
    });

    it('autoplay: a blocked playback is reported and unlockAudio asks the Room to start audio', async () => {
      // Chromium here runs with autoplay allowed, so the block is staged on the Room itself:
      // this checks the wiring (event → audioBlocked → unlockAudio → room.startAudio).
      room = createLkRoom(target);
      await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const lk = a.lk!;
      let blocked = true;
      let started = 0;
      Object.defineProperty(lk, 'canPlaybackAudio', { configurable: true, get: () => !blocked });
      const realStart = lk.startAudio.bind(lk);
      lk.startAudio = async () => {
        started++;
        blocked = false;
        await realStart();
      };
      const seen: boolean[] = [];
      a.media.onAudioBlocked((b) => seen.push(b));
      lk.emit(RoomEvent.AudioPlaybackStatusChanged, false);
      expect(a.media.audioBlocked).to.equal(true);
      await a.media.unlockAudio();
      expect(started).to.equal(1);
      expect(a.media.audioBlocked).to.equal(false);
      expect(seen).to.deep.equal([true, false]);
    });

    it('the host’s own full reconnect keeps the room: listeners still get answers and changes', async () => {
      room = createLkRoom(target, { reconnectGraceMs: 10_000 });
      const host = await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      await host.lk!.simulateScenario('full-reconnect');
      await waitFor(
        'host connected again',
        () => host.status === 'connected' && host.lk!.remoteParticipants.has('c-a'),
        15_000,
      );
      const res = await a.send({ type: 'request-seat', requestId: 'hr-q', seat: 'any', media: 'audio' });
      expect(res.ok, JSON.stringify(res)).to.equal(true);
      await waitFor('host sees it', () => host.room?.requests['hr-q']?.status === 'pending');
      await host.send({ type: 'set-mode', mode: 'free' });
      await waitFor('a sees the mode', () => a.room?.mode === 'free');
      expect(host.room!.members['c-a']!.connected).to.equal(true);
    });
  });
}

describe('liveKitOptionsFromParams', () => {
  it('reads lk-url, lk-token, lk-host and reports what is missing or wrong', async () => {
    const { liveKitOptionsFromParams } = await import('@micseat/backend-livekit');
    const good = liveKitOptionsFromParams(new URLSearchParams('lk-url=wss://x.example&lk-token=t.t.t&lk-host=alice'));
    expect(good).to.deep.equal({
      ok: true,
      options: { url: 'wss://x.example', token: 't.t.t', hostIdentity: 'alice' },
    });
    expect(liveKitOptionsFromParams({ 'lk-url': 'wss://x', 'lk-host': ' ' })).to.deep.equal({
      ok: false,
      missing: ['lk-token', 'lk-host'],
    });
    expect(liveKitOptionsFromParams({ 'lk-url': 'http://x', 'lk-token': 'a', 'lk-host': 'b' })).to.deep.equal({
      ok: false,
      missing: ['lk-url'],
    });
  });
});

/**
 * End-to-end: LiveKitRoomBackend participants (real livekit-client, real WebRTC, Chromium's
 * fake microphone) against the real LiveKit server.
 */
import { expect } from '@open-wc/testing';
import type { RoomState } from '@micseat/core';
import type { LiveKitRoomBackend } from '@micseat/backend-livekit';
import { Track, type RemoteVideoTrack } from 'livekit-client';
import { AUDIBLE, ear, targets, waitFor } from './env.js';
import { createLkRoom, MapStore, type LkRoom } from './harness.js';

/** A store that counts its writes. */
class CountingStore extends MapStore {
  writes = 0;
  override setItem(k: string, v: string) {
    this.writes++;
    super.setItem(k, v);
  }
}

const all = await targets();

const seatOf = (room: RoomState | null, id: string) => room?.seats.find((s) => s.userId === id)?.index ?? -1;

for (const target of all) {
  describe(`LiveKit backend end to end [${target.name}]`, function () {
    this.timeout(40_000);
    let room: LkRoom | null = null;
    afterEach(async () => {
      await room?.close();
      room = null;
    });

    it('a listener requests, the host accepts, another listener hears the new speaker’s fake mic', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      const sent = await a.send({ type: 'request-seat', requestId: 'e2e-q1', seat: 'any', media: 'audio' });
      expect(sent.ok, JSON.stringify(sent)).to.equal(true);
      await waitFor('host to see the request', () => host.room?.requests['e2e-q1']?.status === 'pending');
      expect((await host.send({ type: 'accept-request', requestId: 'e2e-q1' })).ok).to.equal(true);
      await waitFor('a to be seated at a', () => seatOf(a.room, 'c-a') >= 0);
      const mic = await a.media.setMic(true);
      expect(mic, JSON.stringify(mic)).to.deep.equal({ ok: true, value: 'on' });
      expect((await a.send({ type: 'set-mic', mic: 'on' })).ok).to.equal(true);
      const heard = ear(b, 'c-a');
      await waitFor('b to hear a', () => heard.state.peak > AUDIBLE, 10_000);
      heard.off();
      expect(b.media.subscribed).to.include('c-a');
      expect(b.room!.members['c-a']!.mic).to.equal('on');
    });

    it('a client publishing without a seat is heard by nobody honest', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      const rogue = await room.join('c-rogue', 'audience');
      const b = await room.join('c-b', 'audience');
      expect((await rogue.media.setMic(true)).ok).to.equal(true);
      await waitFor(
        'b to see the rogue microphone published',
        () => [...(b.lk!.remoteParticipants.get('c-rogue')?.audioTrackPublications.values() ?? [])].length > 0,
      );
      const heardByB = ear(b, 'c-rogue');
      const heardByHost = ear(host, 'c-rogue');
      await new Promise((r) => setTimeout(r, 2000));
      heardByB.off();
      heardByHost.off();
      expect(b.media.subscribed).to.not.include('c-rogue');
      expect(host.media.subscribed).to.not.include('c-rogue');
      expect(heardByB.state.peak).to.equal(0);
      expect(heardByHost.state.peak).to.equal(0);
    });

    it('several listeners race for one seat in free mode: one wins, every other gets seat-taken and can take another', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      expect((await host.send({ type: 'set-mode', mode: 'free' })).ok).to.equal(true);
      const players: LiveKitRoomBackend[] = [];
      for (let i = 1; i <= 6; i++) players.push(await room.join(`c-r${i}`, 'audience'));
      await waitFor('free mode everywhere', () => players.every((p) => p.room?.mode === 'free'));
      const results = await Promise.all(players.map((p) => p.send({ type: 'take-seat', seat: 4 })));
      const winners = results.filter((r) => r.ok);
      expect(winners.length).to.equal(1);
      for (const r of results) if (!r.ok) expect(r.error.code).to.equal('seat-taken');
      const winner = players[results.findIndex((r) => r.ok)]!.identity;
      await waitFor('everyone to agree on the winner', () =>
        [host, ...players].every((p) => p.room?.seats[4]?.userId === winner),
      );
      const loser = players[results.findIndex((r) => !r.ok)]!;
      const again = await loser.send({ type: 'take-seat', seat: 5 });
      expect(again.ok, JSON.stringify(again)).to.equal(true);
      await waitFor('the loser on seat 5 at the host', () => host.room?.seats[5]?.userId === loser.identity);
    });

    it('the host removes a speaker, and that speaker’s audio stops for the others', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      await waitFor('free mode at a', () => a.room?.mode === 'free');
      expect((await a.send({ type: 'take-seat', seat: 1 })).ok).to.equal(true);
      expect((await a.media.setMic(true)).ok).to.equal(true);
      const heard = ear(b, 'c-a');
      await waitFor('b to hear a', () => heard.state.peak > AUDIBLE, 10_000);
      const terminated: string[] = [];
      a.onUpdate((u) => u.events.forEach((e) => e.type === 'seat-left' && terminated.push(e.reason)));
      expect((await host.send({ type: 'kick-seat', seat: 1 })).ok).to.equal(true);
      await waitFor('a told terminated', () => terminated.includes('terminated'));
      await waitFor('b to unsubscribe from a', () => !b.media.subscribed.includes('c-a'));
      await waitFor('a to fall silent at b', () => heard.state.now === 0, 5000);
      await waitFor('a to fall silent at the host', () => !host.media.subscribed.includes('c-a'));
      heard.off();
    });

    it('the host reloads mid-queue, and the queue survives (sessionStorage + restoreAuthority)', async () => {
      room = createLkRoom(target, { requestTimeoutMs: 60_000 });
      const store = { storage: sessionStorage };
      let host = await room.join('c-host', 'host', 'Host', store);
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      expect((await a.send({ type: 'request-seat', requestId: 'rl-a', seat: 'any', media: 'audio' })).ok).to.equal(
        true,
      );
      expect((await b.send({ type: 'request-seat', requestId: 'rl-b', seat: 2, media: 'audio' })).ok).to.equal(true);
      await waitFor('both queued at the host', () => host.room?.requests['rl-a'] && host.room.requests['rl-b']);
      const versionBefore = host.room!.version;
      // The reload: the page (and its LiveKit session) goes away; a new page connects as the same host.
      await host.disconnect();
      await new Promise((r) => setTimeout(r, 500));
      host = await room.join('c-host', 'host', 'Host', store);
      expect(host.authority!.restored).to.equal(true);
      expect(host.room!.version).to.be.at.least(versionBefore);
      const queue = Object.values(host.room!.requests)
        .filter((q) => q.status === 'pending')
        .sort((x, y) => x.seq - y.seq)
        .map((q) => q.id);
      expect(queue).to.deep.equal(['rl-a', 'rl-b']);
      // The listeners are still members, still connected, and the restored host serves them.
      expect(host.room!.members['c-a']?.connected).to.equal(true);
      expect((await host.send({ type: 'accept-request', requestId: 'rl-a' })).ok).to.equal(true);
      await waitFor('a seated, seen by a', () => seatOf(a.room, 'c-a') >= 0);
      await waitFor(
        'b still pending, seen by b',
        () => b.room?.requests['rl-b']?.status === 'pending' && b.room.version > versionBefore,
      );
      sessionStorage.removeItem(`micseat:livekit:${room.name}`);
    });

    it('the host saves its room off the change path: coalesced, and at once when the page is left', async () => {
      const store = new CountingStore();
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host', 'Host', { storage: store, saveEveryMs: 60_000 });
      const key = `micseat:livekit:${room.name}`;
      const savedVersion = () => (JSON.parse(store.getItem(key) ?? '{}') as { room?: RoomState }).room?.version;
      const first = store.writes;
      expect(first).to.be.at.least(1);
      for (let i = 0; i < 20; i++) {
        expect((await host.send({ type: 'set-mode', mode: i % 2 ? 'free' : 'request' })).ok).to.equal(true);
      }
      // Twenty changes, not one write on their path (the next save is due a minute later).
      expect(store.writes).to.equal(first);
      expect(savedVersion()).to.be.below(host.room!.version);
      // A reload or a closed tab fires pagehide before the page goes: the newest room is written then.
      dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(store.writes).to.equal(first + 1);
      expect(savedVersion()).to.equal(host.room!.version);
      dispatchEvent(new PageTransitionEvent('pagehide'));
      expect(store.writes, 'nothing changed: nothing written').to.equal(first + 1);

      // With a short period, a burst is written once it has passed, coalesced.
      const quick = new CountingStore();
      const room2 = createLkRoom(target);
      try {
        const host2 = await room2.join('c-host', 'host', 'Host', { storage: quick, saveEveryMs: 200 });
        const key2 = `micseat:livekit:${room2.name}`;
        const before = quick.writes;
        for (let i = 0; i < 20; i++) await host2.send({ type: 'set-mode', mode: i % 2 ? 'free' : 'request' });
        await waitFor(
          'the burst saved',
          () => (JSON.parse(quick.getItem(key2) ?? '{}') as { room?: RoomState }).room?.version === host2.room!.version,
        );
        expect(quick.writes - before).to.be.at.most(2);
      } finally {
        await room2.close();
      }
    });

    it('while the host is offline a command is host-unreachable (not rejected), and a request times out', async () => {
      room = createLkRoom(target);
      let host = await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience', 'Ann', { hostWaitMs: 1000 });
      expect(
        (await a.send({ type: 'request-seat', requestId: 'off-q', seat: 'any', media: 'audio', timeoutMs: 2000 })).ok,
      ).to.equal(true);
      await waitFor('pending at a', () => a.room?.requests['off-q']?.status === 'pending');
      await host.disconnect();
      await waitFor('a to see the host leave', () => !a.lk!.remoteParticipants.has('c-host'));
      const started = Date.now();
      const res = await a.send({ type: 'cancel-request', requestId: 'off-q' });
      expect(res.ok).to.equal(false);
      if (!res.ok) expect(res.error.code).to.equal('host-unreachable');
      expect(Date.now() - started).to.be.below(3000);
      expect(a.status).to.equal('connected');
      // The deadline passes while nobody runs the authority; the returning host expires it.
      await new Promise((r) => setTimeout(r, 2000));
      host = await room.join('c-host', 'host');
      await waitFor('a to see its request timed out', () => a.room?.requests['off-q']?.status === 'timeout', 8000);
      expect(host.room!.requests['off-q']!.status).to.equal('timeout');
    });

    it('a late joiner gets a snapshot larger than one page, in pages', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host', 'Host', { snapshotPageBytes: 600 });
      const long = 'ü'.repeat(60);
      for (let i = 0; i < 4; i++) await room.join(`c-m${i}`, 'audience', long.slice(0, 60 - i));
      for (let s = 0; s < 9; s += 2) await host.send({ type: 'lock-seat', seat: s, locked: true });
      const size = JSON.stringify(host.room).length;
      expect(size).to.be.above(3 * 200);
      const late = await room.join('c-late', 'audience');
      expect(late.room!.members['c-m0']!.name).to.equal(long);
      expect(late.room!.seats[8]!.locked).to.equal(true);
      await waitFor('late joiner in step', () => late.room!.version === host.room!.version);
    });

    it('a full reconnect of a seated speaker: status reconnecting → connected, seat kept', async () => {
      room = createLkRoom(target, { reconnectGraceMs: 10_000 });
      const host = await room.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await room.join('c-a', 'audience');
      await waitFor('free at a', () => a.room?.mode === 'free');
      expect((await a.send({ type: 'take-seat', seat: 3 })).ok).to.equal(true);
      const statuses: string[] = [];
      a.onStatus((s) => statuses.push(s));
      await a.lk!.simulateScenario('full-reconnect');
      await waitFor('a connected again', () => statuses.includes('reconnecting') && a.status === 'connected', 15_000);
      await waitFor(
        'a still on seat 3 and connected, at the host',
        () =>
          host.room?.seats[3]?.userId === 'c-a' &&
          host.room.members['c-a']?.connected &&
          host.room.seats[3]?.status === 'occupied',
        10_000,
      );
      const res = await a.send({ type: 'set-mic', mic: 'off' });
      expect(res.ok, JSON.stringify(res)).to.equal(true);
    });
  });
}

for (const target of all) {
  describe(`LiveKit backend host restarts and listener reconnects [${target.name}]`, function () {
    this.timeout(40_000);
    let room: LkRoom | null = null;
    afterEach(async () => {
      await room?.close();
      room = null;
    });

    it('a host back without its saved room starts a new one; listeners start over and join it again', async () => {
      room = createLkRoom(target);
      let host = await room.join('c-host', 'host', 'Host', { storage: null });
      const a = await room.join('c-a', 'audience');
      for (const mode of ['free', 'request', 'free', 'request'] as const) await host.send({ type: 'set-mode', mode });
      await waitFor('a in step', () => a.room?.version === host.room!.version);
      const before = a.room!.version;
      await host.disconnect();
      host = await room.join('c-host', 'host', 'Host', { storage: null });
      expect(host.authority!.restored).to.equal(false);
      await waitFor(
        'a to start over in the new room',
        () => a.room!.version < before && a.room!.members['c-a']?.connected,
        10_000,
      );
      await waitFor('the new host to see a', () => host.room!.members['c-a']);
    });

    it('a host who ends the room (leave-room) is not restored from it later', async () => {
      room = createLkRoom(target);
      let host = await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      expect((await host.send({ type: 'leave-room' })).ok).to.equal(true);
      await waitFor('a sees the room ended', () => a.room?.ended);
      const refused = await a.send({ type: 'take-seat', seat: 0 });
      expect(!refused.ok && refused.error.code).to.equal('room-ended');
      await host.disconnect();
      host = await room.join('c-host', 'host');
      expect(host.authority!.restored).to.equal(false);
      expect(host.room!.ended).to.equal(false);
    });

    it('a listener’s full reconnect keeps hearing the speaker (subscriptions are restored)', async () => {
      room = createLkRoom(target, { reconnectGraceMs: 10_000 });
      const host = await room.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      await waitFor('free at a', () => a.room?.mode === 'free');
      expect((await a.send({ type: 'take-seat', seat: 0 })).ok).to.equal(true);
      expect((await a.media.setMic(true)).ok).to.equal(true);
      await waitFor('b subscribed to a', () => b.media.subscribed.includes('c-a'), 10_000);
      await b.lk!.simulateScenario('full-reconnect');
      await waitFor('b connected again', () => b.status === 'connected' && b.lk!.remoteParticipants.has('c-a'), 15_000);
      const heard = ear(b, 'c-a');
      await waitFor('b to hear a after its reconnect', () => heard.state.peak > AUDIBLE, 10_000);
      heard.off();
    });

    it('a seat muted by the host is silenced at every listener, and heard again when unmuted', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      await waitFor('free at a', () => a.room?.mode === 'free');
      expect((await a.send({ type: 'take-seat', seat: 2 })).ok).to.equal(true);
      // a keeps publishing whatever the seat says (a dishonest client, or one slow to obey).
      expect((await a.media.setMic(true)).ok).to.equal(true);
      const heard = ear(b, 'c-a');
      await waitFor('b hears a', () => heard.state.peak > AUDIBLE, 10_000);
      expect(b.media.playbackVolume('c-a')).to.equal(1);
      expect((await host.send({ type: 'mute-seat', seat: 2, muted: true })).ok).to.equal(true);
      await waitFor('a silent at b', () => heard.state.now === 0 && b.media.playbackVolume('c-a') === 0, 5000);
      heard.state.peak = 0;
      await new Promise((r) => setTimeout(r, 1200));
      expect(heard.state.peak).to.equal(0);
      expect((await host.send({ type: 'mute-seat', seat: 2, muted: false })).ok).to.equal(true);
      // Two steps, so a failure says which part broke: b's view of the seat, or the audio path.
      const seen = () =>
        `seat at b ${JSON.stringify(b.room?.seats[2])}, volume ${b.media.playbackVolume('c-a')}, ` +
        `subscribed ${JSON.stringify(b.media.subscribed)}, level now ${heard.state.now}, peak ${heard.state.peak}`;
      try {
        await waitFor(
          'b sees the seat unmuted and plays a at full volume',
          () => b.room?.seats[2]?.muted === false && b.media.playbackVolume('c-a') === 1,
          5000,
        );
        await waitFor('b hears a again', () => heard.state.peak > AUDIBLE, 15_000);
      } catch (e) {
        throw new Error(`${(e as Error).message} (${seen()})`, { cause: e });
      }
      heard.off();
    });

    it('a device chosen while listening is the one published once seated', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await room.join('c-a', 'audience');
      const probe = await navigator.mediaDevices.getUserMedia({ audio: true });
      probe.getTracks().forEach((t) => t.stop());
      const mics = (await navigator.mediaDevices.enumerateDevices()).filter(
        (d) => d.kind === 'audioinput' && d.deviceId !== 'default',
      );
      const choice = mics[mics.length - 1]!;
      expect((await a.media.setMic(false, { deviceId: choice.deviceId })).ok).to.equal(true);
      await waitFor('free at a', () => a.room?.mode === 'free');
      expect((await a.send({ type: 'take-seat', seat: 0 })).ok).to.equal(true);
      expect((await a.media.setMic(true)).ok).to.equal(true);
      const track = [...a.lk!.localParticipant.audioTrackPublications.values()][0]!.track!;
      expect(track.mediaStreamTrack.getSettings().deviceId).to.equal(choice.deviceId);
    });

    it('a camera is published when chosen and the room allows it (a cohost token grants camera); a listener receives its video frames', async () => {
      room = createLkRoom(target, { allowCamera: true });
      const host = await room.join('c-host', 'host');
      const a = await room.join('c-a', 'cohost', 'A');
      const b = await room.join('c-b', 'audience');
      expect((await host.send({ type: 'set-mode', mode: 'free' })).ok).to.equal(true);
      await waitFor('free mode at a', () => a.room?.mode === 'free');
      const took = await a.send({ type: 'take-seat', seat: 1 });
      expect(took.ok, JSON.stringify(took)).to.equal(true);
      const res = await a.media.setMic(true, { camera: true });
      expect(res.ok, JSON.stringify(res)).to.equal(true);
      expect(a.lk!.localParticipant.isCameraEnabled).to.equal(true);
      await waitFor('the host sees the camera publication', () =>
        [...(host.lk!.remoteParticipants.get('c-a')?.trackPublications.values() ?? [])].some(
          (p) => p.source === 'camera',
        ),
      );
      // The seated speaker's video is subscribed like their audio, and frames arrive (forwarded by the server).
      const camera = () => b.lk!.remoteParticipants.get('c-a')?.getTrackPublication(Track.Source.Camera);
      await waitFor('b subscribed to a’s camera', () => camera()?.isSubscribed && camera()?.videoTrack, 10_000);
      let decoded = 0;
      const until = Date.now() + 15_000;
      while (decoded === 0 && Date.now() < until) {
        decoded = (await (camera()!.videoTrack as RemoteVideoTrack).getReceiverStats())?.framesDecoded ?? 0;
        if (!decoded) await new Promise((r) => setTimeout(r, 200));
      }
      expect(decoded, 'video frames decoded at b').to.be.above(0);
      expect((await a.media.setMic(false)).ok).to.equal(true);
      expect(a.lk!.localParticipant.isCameraEnabled).to.equal(false);
    });

    it('a camera the server refuses fails the preparation cleanly: typed error naming the camera, mic closed again', async () => {
      room = createLkRoom(target, { allowCamera: true });
      await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience'); // listener tokens grant the microphone only
      const res = await a.media.setMic(true, { camera: true });
      expect(!res.ok && res.error.message).to.match(/camera/);
      expect(a.lk!.localParticipant.isMicrophoneEnabled).to.equal(false);
    });

    it('a camera is refused when the room does not allow it', async () => {
      room = createLkRoom(target);
      await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const res = await a.media.setMic(true, { camera: true });
      expect(!res.ok && res.error.code).to.equal('not-allowed');
    });
  });
}

/**
 * What the LiveKit backend relies on, checked on the real LiveKit server: the real livekit-client
 * in Chromium. Titles name the server source that shows the behaviour asserted (livekit/livekit at
 * 788d4c3). Written first for the project's emulator (retired in issue 9), kept as the contract.
 */
import { expect } from '@open-wc/testing';
import {
  ConnectionError,
  ConnectionErrorReason,
  DisconnectReason,
  Room,
  LocalAudioTrack,
  RemoteAudioTrack,
  RemoteParticipant,
  RoomEvent,
  RpcError,
  Track,
} from 'livekit-client';
import {
  connect,
  disconnectAll,
  roomService,
  ServerCommandError,
  targets,
  token,
  uniqueRoom,
  verifyWebhook,
  waitFor,
  waitForWebhook,
  webhooksObservable,
} from './env.js';
import { DataPacket, DataPacket_Kind, RpcRequest } from '@livekit/protocol';

const all = await targets();

function once<T extends unknown[]>(
  emitter: { once(ev: string, cb: (...a: T) => void): unknown },
  ev: string,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ${ev} within ${timeoutMs} ms`)), timeoutMs);
    emitter.once(ev, (...a: T) => {
      clearTimeout(t);
      resolve(a);
    });
  });
}

for (const target of all) {
  describe(`livekit-client against ${target.name}`, function () {
    this.timeout(20_000);
    afterEach(() => disconnectAll());

    it('(a) participants see each other join and leave (server pkg/rtc/room.go:442 Join, :1537 broadcastParticipantState, :1407 RemoveParticipant)', async () => {
      const room = uniqueRoom('presence');
      const alice = await connect(target, 'alice', { room });
      const joined = once<[RemoteParticipant]>(alice, RoomEvent.ParticipantConnected);
      const bob = await connect(target, 'bob', { room });
      const [p] = await joined;
      expect(p.identity).to.equal('bob');
      expect([...bob.remoteParticipants.values()].map((x) => x.identity)).to.deep.equal(['alice']);
      const left = once<[RemoteParticipant]>(alice, RoomEvent.ParticipantDisconnected);
      await bob.disconnect();
      const [gone] = await left;
      expect(gone.identity).to.equal('bob');
      expect(alice.remoteParticipants.size).to.equal(0);
    });

    it('(a) a token with a bad signature is refused: the client asks /rtc/v1/validate and reports NotAllowed 401 (client api/SignalClient.ts:1326-1347, server pkg/service/rtcservice.go:107-125)', async () => {
      const room = uniqueRoom('badtoken');
      const jwt = await token(target, 'mallory', { room });
      const [head, body, sig] = jwt.split('.');
      const forged = `${head}.${body}.${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
      const r = new Room();
      const err = await r.connect(target.url, forged).then(() => undefined, (e: unknown) => e);
      await r.disconnect();
      expect(err).to.be.instanceOf(ConnectionError);
      // (`reasonName` is not updated when Room.connectSignal copies the reason over: compare `reason`)
      expect((err as ConnectionError).reason).to.equal(ConnectionErrorReason.NotAllowed);
      expect((err as ConnectionError).status).to.equal(401);
    });

    it('(a) a dropped signal connection resumes on the same session (client RoomEvent.SignalReconnecting; server pkg/service/roommanager.go:330-389 StartSession resumes, pkg/rtc/room.go:550 ResumeParticipant)', async () => {
      const room = uniqueRoom('resume');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room });
      await waitFor('alice to see bob', () => alice.remoteParticipants.size === 1);
      const sidBefore = alice.localParticipant.sid;
      const resuming = once<[]>(alice, RoomEvent.SignalReconnecting);
      const resumed = once<[]>(alice, RoomEvent.Reconnected, 10_000);
      await alice.simulateScenario('signal-reconnect');
      await resuming;
      await resumed;
      expect(alice.localParticipant.sid).to.equal(sidBefore);
      expect(bob.remoteParticipants.get('alice')?.sid).to.equal(sidBefore);
      const got = once<[Uint8Array, RemoteParticipant | undefined]>(bob, RoomEvent.DataReceived);
      await alice.localParticipant.publishData(new TextEncoder().encode('still here'), { reliable: true });
      expect(new TextDecoder().decode((await got)[0])).to.equal('still here');
    });

    it('(a) a full reconnect rejoins as a new session with the same identity (client room/RTCEngine.ts:1467 restartConnection; server pkg/service/roommanager.go:395-401 removes the old session)', async () => {
      const room = uniqueRoom('rejoin');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room });
      await waitFor('alice to see bob', () => alice.remoteParticipants.size === 1);
      const sidBefore = alice.localParticipant.sid;
      const reconnected = once<[]>(alice, RoomEvent.Reconnected, 15_000);
      await alice.simulateScenario('full-reconnect');
      await reconnected;
      expect(alice.localParticipant.sid).to.not.equal(sidBefore);
      await waitFor('bob to see the new alice', () => bob.remoteParticipants.get('alice')?.sid === alice.localParticipant.sid);
      const got = once<[Uint8Array, RemoteParticipant | undefined]>(alice, RoomEvent.DataReceived);
      await bob.localParticipant.publishData(new TextEncoder().encode('welcome back'), { reliable: true });
      expect(new TextDecoder().decode((await got)[0])).to.equal('welcome back');
    });

    it('(a) simulated server leave disconnects the client with SERVER_SHUTDOWN (server pkg/rtc/room.go:989-993)', async () => {
      const room = uniqueRoom('srv-leave');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room });
      await waitFor('bob to see alice', () => bob.remoteParticipants.size === 1);
      const disconnected = once<[DisconnectReason | undefined]>(alice, RoomEvent.Disconnected);
      const gone = once<[RemoteParticipant]>(bob, RoomEvent.ParticipantDisconnected);
      await alice.simulateScenario('server-leave');
      expect((await disconnected)[0]).to.equal(DisconnectReason.SERVER_SHUTDOWN);
      expect((await gone)[0].identity).to.equal('alice');
    });

    it('(a) simulated node failure: the client finds its session gone and rejoins (server pkg/rtc/room.go:983-988)', async () => {
      const room = uniqueRoom('node-fail');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room });
      await waitFor('bob to see alice', () => bob.remoteParticipants.size === 1);
      const sidBefore = alice.localParticipant.sid;
      const reconnected = once<[]>(alice, RoomEvent.Reconnected, 15_000);
      await alice.simulateScenario('node-failure');
      await reconnected;
      expect(alice.localParticipant.sid).to.not.equal(sidBefore);
      await waitFor('bob to see the new alice', () => bob.remoteParticipants.get('alice')?.sid === alice.localParticipant.sid);
    });

    it('(b) reliable data reaches the others, stamped with the sender identity (server pkg/rtc/participant.go:2510-2527)', async () => {
      const room = uniqueRoom('data');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room });
      const got = once<[Uint8Array, RemoteParticipant | undefined, unknown, string | undefined]>(bob, RoomEvent.DataReceived);
      await alice.localParticipant.publishData(new TextEncoder().encode('hello'), { reliable: true, topic: 't' });
      const [payload, from, , topic] = await got;
      expect(new TextDecoder().decode(payload)).to.equal('hello');
      expect(from?.identity).to.equal('alice');
      expect(topic).to.equal('t');
    });

    it('(b) destinationIdentities limits delivery to the listed identities (server pkg/rtc/room.go:2142-2160)', async () => {
      const room = uniqueRoom('dest');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room });
      const carol = await connect(target, 'carol', { room });
      await waitFor('alice to see bob and carol', () => alice.remoteParticipants.size === 2);
      const bobGot: string[] = [];
      bob.on(RoomEvent.DataReceived, (d) => bobGot.push(new TextDecoder().decode(d)));
      const carolGot = once<[Uint8Array]>(carol, RoomEvent.DataReceived);
      await alice.localParticipant.publishData(new TextEncoder().encode('for carol'), {
        reliable: true,
        destinationIdentities: ['carol'],
      });
      expect(new TextDecoder().decode((await carolGot)[0])).to.equal('for carol');
      // a broadcast sent after it reaches bob; by then the targeted packet would have too
      await alice.localParticipant.publishData(new TextEncoder().encode('for all'), { reliable: true });
      await waitFor('bob to get the broadcast', () => bobGot.length > 0);
      expect(bobGot).to.deep.equal(['for all']);
    });

    it('(b) data from a participant without canPublishData is dropped (server pkg/rtc/participant.go:2430-2433)', async () => {
      const room = uniqueRoom('nodata');
      const listener = await connect(target, 'listener', { room, canPublishData: false });
      const alice = await connect(target, 'alice', { room });
      await waitFor('alice to see the listener', () => alice.remoteParticipants.size === 1);
      const got: string[] = [];
      alice.on(RoomEvent.DataReceived, (d, from) => got.push(`${from?.identity}:${new TextDecoder().decode(d)}`));
      await listener.localParticipant.publishData(new TextEncoder().encode('sneaky'), { reliable: true });
      // the listener's reliable channel is ordered: a later packet from an allowed sender, relayed
      // on the server, is our barrier
      const bob = await connect(target, 'bob', { room });
      await waitFor('alice to see bob', () => alice.remoteParticipants.size === 2);
      await bob.localParticipant.publishData(new TextEncoder().encode('ok'), { reliable: true });
      await waitFor('alice to get bob\'s packet', () => got.length > 0);
      await new Promise((r) => setTimeout(r, 300));
      expect(got).to.deep.equal(['bob:ok']);
    });

    describe('(c) RPC', () => {
      it('a call succeeds, with the caller identity stamped by the server (client room/rpc/server/RpcServerManager.ts:63-92 acks at once, then answers)', async () => {
        const room = uniqueRoom('rpc');
        const alice = await connect(target, 'alice', { room });
        const bob = await connect(target, 'bob', { room });
        bob.registerRpcMethod('greet', async (data) => `hi ${data.callerIdentity}, you said ${data.payload}`);
        await waitFor('alice to see bob', () => alice.remoteParticipants.size === 1);
        const res = await alice.localParticipant.performRpc({ destinationIdentity: 'bob', method: 'greet', payload: 'yo' });
        expect(res).to.equal('hi alice, you said yo');
      });

      it('a forged sender identity is overwritten by the server, so callerIdentity can be trusted (server pkg/rtc/participant.go:2626-2634)', async () => {
        const room = uniqueRoom('rpc-forged');
        const alice = await connect(target, 'alice', { room });
        const bob = await connect(target, 'bob', { room });
        let seen: string | undefined;
        bob.registerRpcMethod('who', async (data) => {
          seen = data.callerIdentity;
          return '';
        });
        await waitFor('alice to see bob', () => alice.remoteParticipants.size === 1);
        // a raw packet, as a modified client could send it
        const engine = alice.engine as unknown as { sendDataPacket(p: DataPacket, kind: number): Promise<void> };
        await engine.sendDataPacket(
          new DataPacket({
            kind: DataPacket_Kind.RELIABLE,
            participantIdentity: 'host',
            destinationIdentities: ['bob'],
            value: {
              case: 'rpcRequest',
              value: new RpcRequest({ id: crypto.randomUUID(), method: 'who', payload: '', responseTimeoutMs: 5000, version: 1 }),
            },
          }),
          DataPacket_Kind.RELIABLE,
        );
        await waitFor('bob\'s handler to run', () => seen);
        expect(seen).to.equal('alice');
      });

      it('a call to an absent identity fails with 1501: the server drops it, no ack comes within 7 s (client room/rpc/client/RpcClientManager.ts:65-97, server pkg/rtc/room.go:2142-2160)', async function () {
        this.timeout(15_000);
        const room = uniqueRoom('rpc-absent');
        const alice = await connect(target, 'alice', { room });
        const started = performance.now();
        const err = await alice.localParticipant
          .performRpc({ destinationIdentity: 'nobody', method: 'greet', payload: '' })
          .then(() => undefined, (e: unknown) => e);
        expect(err).to.be.instanceOf(RpcError);
        expect((err as RpcError).code).to.equal(1501);
        expect(performance.now() - started).to.be.greaterThan(6500);
      });

      it('a call whose recipient leaves mid-call fails with 1503 (client room/rpc/client/RpcClientManager.ts:271-281)', async () => {
        const room = uniqueRoom('rpc-leave');
        const alice = await connect(target, 'alice', { room });
        const bob = await connect(target, 'bob', { room });
        let invoked = false;
        bob.registerRpcMethod('slow', async () => {
          invoked = true;
          setTimeout(() => void bob.disconnect(), 200);
          return new Promise<string>(() => undefined);
        });
        await waitFor('alice to see bob', () => alice.remoteParticipants.size === 1);
        const err = await alice.localParticipant
          .performRpc({ destinationIdentity: 'bob', method: 'slow', payload: '' })
          .then(() => undefined, (e: unknown) => e);
        expect(invoked).to.equal(true);
        expect(err).to.be.instanceOf(RpcError);
        expect((err as RpcError).code).to.equal(1503);
      });
    });

    describe('(d) attributes and metadata', () => {
      it('setAttributes merges, propagates, and an empty value deletes (server pkg/rtc/participant.go:779-800)', async () => {
        const room = uniqueRoom('attrs');
        const alice = await connect(target, 'alice', { room, canUpdateOwnMetadata: true }, { attributes: { role: 'host' } });
        const bob = await connect(target, 'bob', { room });
        const remote = await waitFor('bob to see alice', () => bob.remoteParticipants.get('alice'));
        expect(remote.attributes).to.deep.equal({ role: 'host' });
        const changed = once<[Record<string, string>, unknown]>(bob, RoomEvent.ParticipantAttributesChanged);
        await alice.localParticipant.setAttributes({ seat: '3' });
        const [delta] = await changed;
        expect(delta).to.deep.equal({ seat: '3' });
        expect(remote.attributes).to.deep.equal({ role: 'host', seat: '3' });
        await alice.localParticipant.setAttributes({ role: '' });
        await waitFor('role to be deleted', () => !('role' in remote.attributes));
        expect(remote.attributes).to.deep.equal({ seat: '3' });
      });

      it('setAttributes without canUpdateOwnMetadata is refused with NOT_ALLOWED and changes nothing (server pkg/rtc/participant.go:694-699)', async () => {
        const room = uniqueRoom('attrs-denied');
        const carol = await connect(target, 'carol', { room });
        const bob = await connect(target, 'bob', { room });
        const remote = await waitFor('bob to see carol', () => bob.remoteParticipants.get('carol'));
        const err = await carol.localParticipant.setAttributes({ seat: '1' }).then(() => undefined, (e: unknown) => e);
        expect((err as { reasonName?: string })?.reasonName).to.equal('NOT_ALLOWED');
        await new Promise((r) => setTimeout(r, 200));
        expect(remote.attributes).to.deep.equal({});
        expect(carol.localParticipant.attributes).to.deep.equal({});
      });

      it('attributes over 64 KiB are refused with LIMIT_EXCEEDED (server pkg/config/config.go:558, participant.go:650-668)', async () => {
        const room = uniqueRoom('attrs-big');
        const alice = await connect(target, 'alice', { room, canUpdateOwnMetadata: true });
        const err = await alice.localParticipant
          .setAttributes({ big: 'x'.repeat(64 * 1024) })
          .then(() => undefined, (e: unknown) => e);
        expect((err as { reasonName?: string })?.reasonName).to.equal('LIMIT_EXCEEDED');
      });

      it('room metadata set by UpdateRoomMetadata reaches clients and late joiners (server pkg/service/roommanager.go:990-1001)', async () => {
        const room = uniqueRoom('roommeta');
        const alice = await connect(target, 'alice', { room });
        const changed = once<[string]>(alice, RoomEvent.RoomMetadataChanged);
        const info = await roomService<{ metadata: string }>(target, 'updateRoomMetadata', room, '{"topic":"jazz"}');
        expect(info.metadata).to.equal('{"topic":"jazz"}');
        expect((await changed)[0]).to.equal('{"topic":"jazz"}');
        const late = await connect(target, 'late', { room });
        expect(late.metadata).to.equal('{"topic":"jazz"}');
      });
    });

    describe('(e) RoomService', () => {
      it('UpdateParticipant replaces the permission, the client gets ParticipantPermissionsChanged, revoking publish unpublishes (server pkg/rtc/participant.go:822-880)', async () => {
        const room = uniqueRoom('perm');
        const alice = await connect(target, 'alice', { room });
        const bob = await connect(target, 'bob', { room });
        await bob.localParticipant.setMicrophoneEnabled(true);
        const pub = await waitFor('alice to see bob\'s microphone', () =>
          alice.remoteParticipants.get('bob')?.getTrackPublication(Track.Source.Microphone),
        );
        expect(pub.trackSid).to.match(/^TR_/);
        const permChanged = once<[unknown, { identity: string }]>(bob, RoomEvent.ParticipantPermissionsChanged);
        const unpublishedAtBob = once<[unknown]>(bob, RoomEvent.LocalTrackUnpublished);
        const unpublishedAtAlice = once<[unknown, RemoteParticipant]>(alice, RoomEvent.TrackUnpublished);
        const info = await roomService<{ permission: Record<string, unknown> }>(target, 'updateParticipant', room, 'bob', {
          permission: { canPublish: false, canSubscribe: true, canPublishData: true },
        });
        expect(info.permission).to.include({ canPublish: false, canSubscribe: true, canPublishData: true });
        const [prev, who] = await permChanged;
        expect(who.identity).to.equal('bob');
        expect((prev as { canPublish?: boolean })?.canPublish).to.equal(true);
        expect(bob.localParticipant.permissions?.canPublish).to.equal(false);
        await unpublishedAtBob;
        const [, from] = await unpublishedAtAlice;
        expect(from.identity).to.equal('bob');
        expect(alice.remoteParticipants.get('bob')?.trackPublications.size).to.equal(0);
        // replaced whole: canUpdateMetadata was not sent, so it is false
        expect(bob.localParticipant.permissions?.canUpdateMetadata).to.equal(false);

        // and back: a listener made speaker again can publish, and alice hears of the new track
        const regranted = once<[unknown, { identity: string }]>(bob, RoomEvent.ParticipantPermissionsChanged);
        await roomService(target, 'updateParticipant', room, 'bob', {
          permission: { canPublish: true, canSubscribe: true, canPublishData: true },
        });
        await regranted;
        await bob.localParticipant.setMicrophoneEnabled(true);
        const again = await waitFor('alice to see bob\'s new microphone', () =>
          alice.remoteParticipants.get('bob')?.getTrackPublication(Track.Source.Microphone),
        );
        expect(again.trackSid).to.not.equal(pub.trackSid);
      });

      it('a RoomService call without roomAdmin for that room is refused with 401 unauthenticated (server pkg/service/auth.go:184-195, 259-261)', async () => {
        const room = uniqueRoom('twirp-auth');
        await connect(target, 'alice', { room });
        const call = async (jwt: string) => {
          const res = await fetch(`${target.httpUrl}/twirp/livekit.RoomService/ListParticipants`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
            body: JSON.stringify({ room }),
          });
          return { status: res.status, body: (await res.json()) as { code?: string; participants?: unknown[] } };
        };
        const joinOnly = await call(await token(target, 'alice-api', { room }));
        expect(joinOnly.status).to.equal(401);
        expect(joinOnly.body.code).to.equal('unauthenticated');
        const otherRoom = await call(await token(target, 'admin', { room: `${room}-other`, roomAdmin: true }));
        expect(otherRoom.status).to.equal(401);
        const ok = await call(await token(target, 'admin', { room, roomAdmin: true }));
        expect(ok.status).to.equal(200);
        expect(ok.body.participants).to.have.length(1);
      });

      it('ListParticipants, GetParticipant, MutePublishedTrack, SendData and RemoveParticipant act on the room (server pkg/service/roommanager.go:846-988)', async () => {
        const room = uniqueRoom('admin');
        const alice = await connect(target, 'alice', { room });
        const bob = await connect(target, 'bob', { room });
        await bob.localParticipant.setMicrophoneEnabled(true);
        const pub = await waitFor('alice to see bob\'s microphone', () =>
          alice.remoteParticipants.get('bob')?.getTrackPublication(Track.Source.Microphone),
        );
        const list = await roomService<{ identity: string }[]>(target, 'listParticipants', room);
        expect(list.map((p) => p.identity).sort()).to.deep.equal(['alice', 'bob']);
        const bobInfo = await roomService<{ identity: string; tracks: { sid: string }[] }>(target, 'getParticipant', room, 'bob');
        expect(bobInfo.tracks.map((t) => t.sid)).to.deep.equal([pub.trackSid]);
        const notFound = await roomService(target, 'getParticipant', room, 'nobody').then(() => undefined, (e: unknown) => e);
        expect(notFound).to.be.instanceOf(ServerCommandError);

        const muted = once<[unknown, { identity: string }]>(alice, RoomEvent.TrackMuted);
        await roomService(target, 'mutePublishedTrack', room, 'bob', pub.trackSid, true);
        expect((await muted)[1].identity).to.equal('bob');
        await waitFor('bob\'s own track to be muted', () => bob.localParticipant.getTrackPublication(Track.Source.Microphone)?.isMuted);

        const got = once<[Uint8Array, RemoteParticipant | undefined]>(alice, RoomEvent.DataReceived);
        await roomService(target, 'sendData', room, new TextEncoder().encode('from server'), 0, { destinationIdentities: ['alice'] });
        const [data, from] = await got;
        expect(new TextDecoder().decode(data)).to.equal('from server');
        expect(from).to.equal(undefined);

        const gone = once<[RemoteParticipant]>(alice, RoomEvent.ParticipantDisconnected);
        const kicked = once<[unknown]>(bob, RoomEvent.Disconnected);
        await roomService(target, 'removeParticipant', room, 'bob');
        expect((await gone)[0].identity).to.equal('bob');
        expect((await kicked)[0]).to.equal(DisconnectReason.PARTICIPANT_REMOVED);
      });
    });

    it('(f) a subscriber hears the publisher\'s fake microphone (audio forwarded over real WebRTC)', async () => {
      const room = uniqueRoom('audio');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room, canPublish: false });
      const subscribed = once<[RemoteAudioTrack, unknown, RemoteParticipant]>(bob as never, RoomEvent.TrackSubscribed, 10_000);
      await alice.localParticipant.setMicrophoneEnabled(true);
      const [track, , from] = await subscribed;
      expect(from.identity).to.equal('alice');
      expect(track.kind).to.equal('audio');
      const ctx = new AudioContext();
      await ctx.resume();
      const stream = new MediaStream([track.mediaStreamTrack]);
      // Chromium only pulls remote WebRTC audio into WebAudio while the stream is also played.
      const el = new Audio();
      el.muted = true;
      el.srcObject = stream;
      await el.play().catch(() => undefined);
      const analyser = ctx.createAnalyser();
      ctx.createMediaStreamSource(stream).connect(analyser);
      const buf = new Float32Array(analyser.fftSize);
      let peak = 0;
      const until = performance.now() + 8000;
      while (peak < 0.05 && performance.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        analyser.getFloatTimeDomainData(buf);
        for (const v of buf) peak = Math.max(peak, Math.abs(v));
      }
      el.srcObject = null;
      await ctx.close();
      expect(peak).to.be.greaterThan(0.05);
    });

    it('(f) a late listener receives five publishers, more than its three initial recvonly sections (server pkg/rtc/transport.go:2579-2597 MediaSectionsRequirement; client room/RTCEngine.ts:795-800, 905-933)', async function () {
      this.timeout(30_000);
      const room = uniqueRoom('many');
      const speakers = ['s1', 's2', 's3', 's4', 's5'];
      for (const id of speakers) {
        const r = await connect(target, id, { room });
        await r.localParticipant.setMicrophoneEnabled(true);
      }
      const listener = await connect(target, 'listener', { room, canPublish: false });
      const subscribed = new Set<string>();
      listener.on(RoomEvent.TrackSubscribed, (_t, _p, from) => subscribed.add(from.identity));
      for (const p of listener.remoteParticipants.values()) {
        for (const pub of p.trackPublications.values()) if (pub.isSubscribed) subscribed.add(p.identity);
      }
      await waitFor('all five tracks to be subscribed', () => subscribed.size === 5, 15_000);
      expect([...subscribed].sort()).to.deep.equal(speakers);
    });

    it('(f) a track the client unpublishes disappears for the others (server pkg/rtc/participant.go:3548-3578)', async () => {
      const room = uniqueRoom('unpublish');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room, canPublish: false });
      const pub = await alice.localParticipant.setMicrophoneEnabled(true);
      await waitFor('bob to subscribe to alice', () =>
        bob.remoteParticipants.get('alice')?.getTrackPublication(Track.Source.Microphone)?.isSubscribed,
      );
      const gone = once<[unknown, RemoteParticipant]>(bob, RoomEvent.TrackUnpublished, 10_000);
      await alice.localParticipant.unpublishTrack(pub!.track!);
      const [, from] = await gone;
      expect(from.identity).to.equal('alice');
      expect(bob.remoteParticipants.get('alice')?.trackPublications.size).to.equal(0);
    });

    it('(f) with autoSubscribe off nothing arrives until the client subscribes (server pkg/rtc/signalling/signalhandler.go:72-79; client RoomEvent.LocalTrackSubscribed from pkg/rtc/participant_signal.go:250-258)', async () => {
      const room = uniqueRoom('manual-sub');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room, canPublish: false }, { connect: { autoSubscribe: false } });
      let subscribedEarly = false;
      bob.on(RoomEvent.TrackSubscribed, () => (subscribedEarly = true));
      const localSubscribed = once<[unknown]>(alice, RoomEvent.LocalTrackSubscribed, 10_000);
      await alice.localParticipant.setMicrophoneEnabled(true);
      const pub = await waitFor('bob to see alice\'s microphone', () =>
        bob.remoteParticipants.get('alice')?.getTrackPublication(Track.Source.Microphone),
      );
      await new Promise((r) => setTimeout(r, 500));
      expect(subscribedEarly).to.equal(false);
      expect(pub.isSubscribed).to.equal(false);
      const subscribed = once<[RemoteAudioTrack]>(bob as never, RoomEvent.TrackSubscribed, 10_000);
      pub.setSubscribed(true);
      const [track] = await subscribed;
      expect(track.sid).to.equal(pub.trackSid);
      await localSubscribed;
      const unsubscribed = once<[unknown]>(bob as never, RoomEvent.TrackUnsubscribed, 10_000);
      pub.setSubscribed(false);
      await unsubscribed;
    });

    it('(f) a steady tone makes its publisher an active speaker, and muting ends it (server pkg/sfu/audio/audiolevel.go:104-143, pkg/rtc/room.go:1639-1676)', async () => {
      // Chromium's fake microphone beeps for about 100 ms every 500 ms: under the server's rule
      // (louder than -35 dBov for 40 % of a 400 ms window) it never counts as speech, so a
      // continuous WebAudio tone is published instead.
      const room = uniqueRoom('speakers');
      const alice = await connect(target, 'alice', { room });
      const bob = await connect(target, 'bob', { room, canPublish: false });
      const speakers: string[][] = [];
      bob.on(RoomEvent.ActiveSpeakersChanged, (s) => speakers.push(s.map((p) => p.identity)));
      const ctx = new AudioContext();
      await ctx.resume();
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      gain.gain.value = 0.5;
      const dest = ctx.createMediaStreamDestination();
      osc.connect(gain).connect(dest);
      osc.start();
      try {
        const tone = new LocalAudioTrack(dest.stream.getAudioTracks()[0], undefined, false);
        const pub = await alice.localParticipant.publishTrack(tone, { source: Track.Source.Microphone, dtx: false });
        await waitFor('alice among bob\'s active speakers', () => speakers.some((s) => s.includes('alice')), 8000);
        const remoteAlice = bob.remoteParticipants.get('alice')!;
        expect(remoteAlice.isSpeaking).to.equal(true);
        expect(remoteAlice.audioLevel).to.be.greaterThan(0);
        await pub.mute();
        await waitFor('alice to stop speaking', () => !remoteAlice.isSpeaking, 5000);
      } finally {
        osc.stop();
        await ctx.close();
      }
    });

    if (webhooksObservable(target)) {
      it('(g) participant_left is POSTed signed, and livekit-server-sdk WebhookReceiver verifies it (server pkg/telemetry/events.go:200-215, livekit/protocol webhook/url_notifier.go:266-300)', async () => {
        const room = uniqueRoom('hooks');
        await connect(target, 'alice', { room });
        const bob = await connect(target, 'bob', { room });
        await bob.disconnect();
        const hook = await waitForWebhook(target, 'participant_left', room);
        expect(hook.contentType).to.equal('application/webhook+json');
        const ev = await verifyWebhook(target, hook);
        expect(ev.event).to.equal('participant_left');
        expect(ev.room?.name).to.equal(room);
        expect(ev.participant?.identity).to.equal('bob');
        const tampered = await verifyWebhook(target, { ...hook, body: hook.body.replace('bob', 'eve') }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(String(tampered)).to.contain('sha256');
        const joined = await waitForWebhook(target, 'participant_joined', room);
        expect((await verifyWebhook(target, joined)).participant?.identity).to.be.oneOf(['alice', 'bob']);
      });
    } else {
      console.log(`[livekit-env] (g) webhook test not run against ${target.name}: its webhooks go to the server's own configured URL`);
    }
  });
}

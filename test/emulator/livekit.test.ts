/**
 * The real livekit-client 2.23, in Chromium, against each target (the emulator always; a real
 * LiveKit server when LIVEKIT_URL/KEY/SECRET are set). Titles name the source that shows the
 * behaviour asserted, so the emulator's fidelity can be checked.
 */
import { expect } from '@open-wc/testing';
import {
  ParticipantEvent,
  RemoteParticipant,
  RoomEvent,
  RpcError,
  Track,
  type Room,
} from 'livekit-client';
import {
  connect,
  disconnectAll,
  skippedReason,
  targets,
  uniqueRoom,
  waitFor,
} from './livekit-env.js';

const all = await targets();
const reason = await skippedReason();
if (reason) console.log(`[livekit-env] ${reason}`);

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

    it('(a) participants see each other join and leave (server pkg/rtc/room.go Join/broadcastParticipantState, RemoveParticipant)', async () => {
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

    it('(b) reliable data reaches the others, stamped with the sender identity (server pkg/rtc/participant.go:2509-2531)', async () => {
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
  });
}

export type { Room, Track, RpcError, ParticipantEvent };

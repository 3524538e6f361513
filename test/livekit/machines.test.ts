/**
 * Core's room machine (the thing elements talk to) driving LiveKitRoomBackend: the request
 * lifecycle over real LiveKit, and LiveKit failures as machine states.
 */
import { expect } from '@open-wc/testing';
import { createActor, type Actor } from 'xstate';
import { roomMachine, type MemberRole, type RoomActor } from '@micseat/core';
import { waitFor } from '@micseat/core/conformance';
import { AUDIBLE, targets } from './env.js';
import { createLkRoom, type LkRoom } from './harness.js';

const all = await targets();

const ctx = (a: RoomActor) => a.getSnapshot().context;
const until = (probe: () => unknown, what: string, ms = 8000) => waitFor(() => probe(), ms, what);
const requestState = (a: RoomActor) => ctx(a).request?.getSnapshot().value;

for (const target of all) {
  describe(`room machine on the LiveKit backend [${target.name}]`, function () {
    this.timeout(40_000);
    let room: LkRoom;
    const actors: Actor<typeof roomMachine>[] = [];
    async function client(id: string, role: MemberRole = 'audience', extra = {}): Promise<RoomActor> {
      const backend = await room.make(id, role, extra);
      const actor = createActor(roomMachine, { input: { backend, name: id.toUpperCase() } }).start();
      actors.push(actor);
      await until(() => ctx(actor).status === 'connected', `${id} connected`);
      return actor;
    }
    afterEach(async () => {
      for (const a of actors.splice(0)) a.stop();
      await room.close();
    });

    it('REQUEST_SEAT → pending → host ACCEPT_NEXT → on seat, mic published and heard by another listener', async () => {
      room = createLkRoom(target);
      const host = await client('c-host', 'host');
      const ann = await client('c-ann');
      const bob = await client('c-bob');
      ann.send({ type: 'REQUEST_SEAT' });
      await until(() => requestState(ann) === 'pending', 'pending');
      await until(
        () => ctx(host).room?.requests && Object.values(ctx(host).room!.requests).some((q) => q.status === 'pending'),
        'host sees it',
      );
      host.send({ type: 'ACCEPT_NEXT' });
      await until(() => requestState(ann) === 'onSeat', 'on seat', 12_000);
      await until(() => ctx(host).room!.members['c-ann']!.mic === 'on', 'mic on at the host');
      await until(() => (ctx(bob).levels.get('c-ann') ?? 0) > AUDIBLE, 'bob hears ann', 10_000);
    });

    it('with the host offline a request fails as host-unreachable, never rejected', async () => {
      room = createLkRoom(target);
      const host = await client('c-host', 'host');
      const ann = await client('c-ann', 'audience', { hostWaitMs: 500 });
      host.stop();
      await room.backends[0]!.disconnect();
      await until(() => !room.backends[1]!.lk!.remoteParticipants.has('c-host'), 'ann sees the host gone');
      ann.send({ type: 'REQUEST_SEAT' });
      await until(() => ctx(ann).request?.getSnapshot().status === 'done', 'request done');
      expect(requestState(ann)).to.equal('failed');
      expect(ctx(ann).request!.getSnapshot().context.error!.code).to.equal('host-unreachable');
      expect(ctx(ann).status).to.equal('connected');
    });

    it('a pending request times out locally while the host is offline', async () => {
      room = createLkRoom(target, { requestTimeoutMs: 2000 });
      await client('c-host', 'host');
      const ann = await client('c-ann');
      ann.send({ type: 'REQUEST_SEAT' });
      await until(() => requestState(ann) === 'pending', 'pending');
      await room.backends[0]!.disconnect();
      await until(() => requestState(ann) === 'timeout', 'local timeout', 10_000);
      expect(ctx(ann).request!.getSnapshot().context.error?.code).to.equal('timeout');
    });
  });
}

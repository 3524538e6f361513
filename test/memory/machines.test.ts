import { expect } from '@open-wc/testing';
import { createActor, SimulatedClock, type Actor } from 'xstate';
import { roomMachine, inboxItems, type RoomActor } from '@micseat/core';
import { waitFor } from '@micseat/core/conformance';
import { createMemoryRoom, type MemoryRoom, type MemoryMediaOptions } from '@micseat/backend-memory';

let room: MemoryRoom;
const actors: Actor<typeof roomMachine>[] = [];

function client(
  id: string,
  role: 'host' | 'cohost' | 'audience' = 'audience',
  media: MemoryMediaOptions = {},
  clock?: SimulatedClock,
): RoomActor {
  const backend = room.join(id, role, { media });
  const actor = createActor(roomMachine, {
    input: { backend, name: id.toUpperCase() },
    ...(clock ? { clock } : {}),
  }).start();
  actors.push(actor);
  return actor;
}
const ctx = (a: RoomActor) => a.getSnapshot().context;
const until = (probe: () => unknown, what: string, ms = 3000) => waitFor(() => probe(), ms, what);
const requestState = (a: RoomActor) => ctx(a).request?.getSnapshot().value;

/** A host and Ann, both connected. */
async function hostAndAnn(media: MemoryMediaOptions = {}) {
  const host = client('host', 'host');
  const ann = client('ann', 'audience', media);
  await until(() => ctx(ann).status === 'connected' && ctx(host).status === 'connected', 'connected');
  return { host, ann };
}

/** Ann asks, the host accepts the next request; resolves when Ann's request reaches `until`. */
async function annAccepted(host: RoomActor, ann: RoomActor, state = 'onSeat') {
  ann.send({ type: 'REQUEST_SEAT' });
  await until(() => requestState(ann) === 'pending', 'pending');
  host.send({ type: 'ACCEPT_NEXT' });
  await until(() => requestState(ann) === state, state);
}

beforeEach(() => {
  room = createMemoryRoom({ replicate: 'stage', config: { requestTimeoutMs: 5000 } });
});
afterEach(() => {
  for (const a of actors.splice(0)) a.stop();
  room.close();
});

describe('room machine on the memory backend', () => {
  it('connects through connecting → connected and joins', async () => {
    const host = client('host', 'host');
    expect(host.getSnapshot().value).to.equal('connecting');
    await until(() => host.getSnapshot().value === 'connected', 'connected');
    expect(ctx(host).room!.hostId).to.equal('host');
  });

  it('request → pending (position 1) → accepted → preparing → on seat with the mic on', async () => {
    const host = client('host', 'host');
    const ann = client('ann');
    await until(() => ctx(ann).status === 'connected' && ctx(host).status === 'connected', 'both connected');
    ann.send({ type: 'REQUEST_SEAT' });
    await until(() => requestState(ann) === 'pending', 'pending');
    expect(ctx(ann).request!.getSnapshot().context.position).to.equal(1);
    expect(ctx(ann).notice?.code).to.equal('request-sent');
    await until(
      () => ctx(host).inbox && inboxItems(ctx(host).inbox!.getSnapshot().context).length === 1,
      'host inbox shows it',
    );
    host.send({ type: 'ACCEPT_NEXT' });
    await until(() => requestState(ann) === 'onSeat', 'on seat');
    await until(() => ctx(host).room!.members.ann!.mic === 'on', 'mic on at host');
    expect(ctx(ann).room!.seats[0]!.userId).to.equal('ann');
  });

  it('a lost race is its own outcome, with the nearest free seat offered', async () => {
    const host = client('host', 'host');
    const a = client('a');
    const b = client('b');
    await until(() => [host, a, b].every((x) => ctx(x).status === 'connected'), 'connected');
    host.send({ type: 'SET_MODE', mode: 'free' });
    await until(() => ctx(a).room!.mode === 'free' && ctx(b).room!.mode === 'free', 'free mode');
    a.send({ type: 'TAKE_SEAT', seat: 4 });
    b.send({ type: 'TAKE_SEAT', seat: 4 });
    await until(
      () => ctx(a).request?.getSnapshot().status === 'done' && ctx(b).request?.getSnapshot().status === 'done',
      'both done',
    );
    const outcomes = [requestState(a), requestState(b)].sort();
    expect(outcomes).to.deep.equal(['lostRace', 'onSeat']);
    const loser = requestState(a) === 'lostRace' ? a : b;
    expect(ctx(loser).request!.getSnapshot().context.nearestFree).to.equal(3);
  });

  it('mic permission denied: the seat is given back and the request fails with mic-denied', async () => {
    const { host, ann } = await hostAndAnn({ micFailure: 'denied' });
    await annAccepted(host, ann, 'failed');
    expect(ctx(ann).request!.getSnapshot().context.error!.code).to.equal('mic-denied');
    await until(() => ctx(host).room!.seats.every((s) => s.userId === null), 'seat freed');
    // Back in the audience: her own record (not the host's stage) carries the report.
    await until(() => ctx(ann).room!.members.ann!.mic === 'denied', 'mic reported denied');
    expect(ctx(host).room!.members.ann).to.equal(undefined);
  });

  it('cancel while pending', async () => {
    const { host, ann } = await hostAndAnn();
    ann.send({ type: 'REQUEST_SEAT' });
    await until(() => requestState(ann) === 'pending', 'pending');
    ann.send({ type: 'CANCEL_REQUEST' });
    await until(() => requestState(ann) === 'cancelled', 'cancelled');
    await until(() => inboxItems(ctx(host).inbox!.getSnapshot().context).length === 0, 'inbox empty');
  });

  it('the host does not answer and updates are lost: the request times out locally (fake clock)', async () => {
    const clock = new SimulatedClock();
    client('host', 'host');
    const ann = client('ann', 'audience', {}, clock);
    await until(() => ctx(ann).status === 'connected', 'connected');
    ann.send({ type: 'REQUEST_SEAT' });
    await until(() => requestState(ann) === 'pending', 'pending');
    room.setFaultsFor('ann', { drop: 1 }); // nothing reaches ann any more
    clock.increment(5000);
    expect(requestState(ann)).to.equal('pending');
    clock.increment(1000);
    expect(requestState(ann)).to.equal('timeout');
  });

  it('the authority times a request out at its deadline and the requester follows', async () => {
    room.close();
    room = createMemoryRoom({ replicate: 'stage', config: { requestTimeoutMs: 1000 } });
    client('host', 'host');
    const ann = client('ann');
    await until(() => ctx(ann).status === 'connected', 'connected');
    ann.send({ type: 'REQUEST_SEAT' });
    await until(() => requestState(ann) === 'timeout', 'timeout', 2500);
    expect(Object.values(ctx(ann).room!.requests)[0]!.status).to.equal('timeout');
  });

  it('invitation: the invitee accepts and is seated with the mic on', async () => {
    const { host, ann } = await hostAndAnn();
    host.send({ type: 'INVITE', userId: 'ann', seat: 2 });
    await until(() => Object.keys(ctx(ann).invitations).length === 1, 'invitation arrives');
    expect(ctx(ann).notice?.code).to.equal('invited');
    const [id] = Object.keys(ctx(ann).invitations);
    ann.send({ type: 'ACCEPT_INVITATION', invitationId: id! });
    await until(() => ctx(ann).invitations[id!]!.getSnapshot().value === 'onSeat', 'on seat');
    expect(ctx(host).room!.seats[2]!.userId).to.equal('ann');
  });

  it('a kicked speaker is told, and their mic is closed', async () => {
    const { host, ann } = await hostAndAnn();
    await annAccepted(host, ann);
    host.send({ type: 'KICK_SEAT', seat: 0 });
    await until(() => ctx(ann).notice?.code === 'removed-from-seat', 'told removed');
    await until(() => !(ctx(ann).backend.media as unknown as { micOn: boolean }).micOn, 'mic closed');
  });

  it('a muted seat closes the occupant’s mic and refuses to reopen it', async () => {
    const { host, ann } = await hostAndAnn();
    await annAccepted(host, ann);
    await until(() => ctx(host).room!.members.ann?.mic === 'on', 'mic on');
    host.send({ type: 'MUTE_SEAT', seat: 0, muted: true });
    await until(() => ctx(host).room!.members.ann?.mic === 'off', 'mic off after mute');
    ann.send({ type: 'SET_MIC', on: true });
    await until(() => ctx(ann).error?.code === 'seat-muted', 'refused');
  });

  it('a dropped speaker shows reconnecting, then returns to the same seat', async () => {
    const { host, ann } = await hostAndAnn();
    host.send({ type: 'SET_MODE', mode: 'free' });
    await until(() => ctx(ann).room!.mode === 'free', 'free');
    ann.send({ type: 'TAKE_SEAT', seat: 1 });
    await until(() => ctx(host).room!.seats[1]!.userId === 'ann', 'seated');
    room.drop('ann');
    await until(() => ctx(host).room!.seats[1]!.status === 'reconnecting', 'reconnecting at host');
    expect(ann.getSnapshot().value).to.equal('reconnecting');
    room.resume('ann');
    await until(() => ctx(host).room!.seats[1]!.status === 'occupied', 'back');
    expect(ann.getSnapshot().value).to.equal('connected');
  });
});

/**
 * Robustness and the rest of the protocol over LiveKit: lost deltas are repaired (gap sync and
 * the host's beacon), invitations and custom signals travel like everything else.
 */
import { expect } from '@open-wc/testing';
import type { RoomEvent } from '@micseat/core';
import { targets, waitFor } from './env.js';
import { createLkRoom, type LkRoom } from './harness.js';

const all = await targets();

for (const target of all) {
  describe(`LiveKit backend robustness [${target.name}]`, function () {
    this.timeout(40_000);
    let room: LkRoom | null = null;
    afterEach(async () => {
      await room?.close();
      room = null;
    });

    it('a listener losing 40% of room data still converges to the host’s room (gap sync + beacon)', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      const lossy = await room.join('c-lossy', 'audience', 'Lossy', { dropIncomingData: 0.4 });
      const versions: number[] = [];
      lossy.onUpdate((u) => versions.push(u.room.version));
      for (let i = 0; i < 30; i++) {
        await host.send({ type: 'lock-seat', seat: i % 9, locked: i % 2 === 0 });
      }
      await host.send({ type: 'set-mode', mode: 'free' });
      await waitFor('the lossy replica to catch up', () => lossy.room!.version === host.room!.version, 10_000);
      expect(JSON.stringify(lossy.room)).to.equal(JSON.stringify(host.room));
      expect(lossy.stats.droppedData).to.be.above(0);
      expect(lossy.stats.snapshots).to.be.above(1); // the first, and at least one repair
      for (let i = 1; i < versions.length; i++) expect(versions[i]!).to.be.above(versions[i - 1]!);
    });

    it('read-your-writes: when a command answers ok, the caller’s room already shows it (even with every delta lost)', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      await host.send({ type: 'set-mode', mode: 'free' });
      const a = await room.join('c-a', 'audience');
      const deaf = await room.join('c-deaf', 'audience', 'Deaf', { dropIncomingData: 1 });
      await waitFor('free at a', () => a.room?.mode === 'free');
      expect((await a.send({ type: 'take-seat', seat: 1 })).ok).to.equal(true);
      expect(a.room!.seats[1]!.userId).to.equal('c-a');
      const r = await deaf.send({ type: 'take-seat', seat: 2 });
      expect(r.ok, JSON.stringify(r)).to.equal(true);
      expect(deaf.room!.seats[2]!.userId).to.equal('c-deaf');
      expect(deaf.room!.seats[1]!.userId).to.equal('c-a');
    });

    it('invitation: the host invites, the invitee accepts and is seated', async () => {
      room = createLkRoom(target);
      const host = await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const inv = await host.send({ type: 'invite', invitationId: 'lk-inv', userId: 'c-a', seat: 6 });
      expect(inv.ok, JSON.stringify(inv)).to.equal(true);
      await waitFor('a sees the invitation', () => a.room?.invitations['lk-inv']?.status === 'pending');
      const acc = await a.send({ type: 'respond-invitation', invitationId: 'lk-inv', accept: true });
      expect(acc.ok, JSON.stringify(acc)).to.equal(true);
      await waitFor('a on seat 6 at the host', () => host.room?.seats[6]?.userId === 'c-a');
    });

    it('custom signals reach everyone as events, stamped with the sender', async () => {
      room = createLkRoom(target);
      await room.join('c-host', 'host');
      const a = await room.join('c-a', 'audience');
      const b = await room.join('c-b', 'audience');
      const got: RoomEvent[] = [];
      b.onUpdate((u) => got.push(...u.events.filter((e) => e.type === 'signal')));
      const sent = await a.send({ type: 'signal', name: 'gift', payload: { kind: 'rose', n: 3 } });
      expect(sent.ok, JSON.stringify(sent)).to.equal(true);
      await waitFor('b gets the signal', () => got.length > 0);
      expect(JSON.stringify(got[0])).to.contain('"gift"').and.to.contain('c-a');
    });
  });
}

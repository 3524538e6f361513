import { restoreAuthority, type Member, type RoomState, type SeatRequest } from '@micseat/core';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { bot, later, freshRoom, joined, play, until, viewer, withTheme } from './support/stage.js';

const meta: Meta = {
  title: 'Elements/request-list',
  component: 'request-list',
  decorators: [withTheme],
  parameters: {
    docs: {
      description: { component: "The host's live queue: accept or reject each, accept next, accept all, reject all." },
    },
  },
};
export default meta;
type Story = StoryObj;

const list = html`<request-list></request-list>`;

/** Nobody waiting. */
export const Empty: Story = {
  render: () => viewer(freshRoom(), 'host', 'host', list, { name: 'Alice' }),
};

/** A few listeners asking, in arrival order; more arrive every few seconds. */
export const Queue: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 9, requestTimeoutMs: 120_000 });
    play(async () => {
      await joined(room, 'host');
      const names = [
        'Bao Wei',
        'Carmen Ruiz',
        'Dmitri Petrov',
        'Eko Prasetyo',
        'Fatima Zahra',
        'Gus',
        'Hana Sato',
        'Ivan',
      ];
      for (const [i, n] of names.entries()) {
        (await bot(room, `u${i}`, 'audience', n)).send({ type: 'REQUEST_SEAT', ...(i % 3 === 1 ? { seat: i } : {}) });
        await new Promise((r) => setTimeout(r, i < 4 ? 150 : 2500));
      }
    });
    return viewer(room, 'host', 'host', html`${list}<mic-seat-grid></mic-seat-grid>`, { name: 'Alice' });
  },
};

/** Two moderators: requests the other one handled say "Accepted by Zoe". */
export const HandledByAnother: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 9 });
    play(async () => {
      await joined(room, 'host');
      const zoe = await bot(room, 'zoe', 'audience', 'Zoe');
      document.querySelector('micseat-room')?.actor?.send({ type: 'SET_COHOST', userId: 'zoe', cohost: true });
      for (const n of ['Bob', 'Carol', 'Dave'])
        (await bot(room, n.toLowerCase(), 'audience', n)).send({ type: 'REQUEST_SEAT' });
      await until(() => zoe.getSnapshot().context.inbox && Object.keys(room.server.room.requests).length === 3);
      later(() => zoe.send({ type: 'ACCEPT_NEXT' }), 800);
      later(() => zoe.send({ type: 'REJECT_REQUEST', requestId: Object.keys(room.server.room.requests)[1]! }), 1600);
    });
    return viewer(room, 'host', 'host', list, { name: 'Alice' });
  },
};

/** 10,000 pending requests (a restored room): the list is virtualized; scroll, or use the arrow keys. */
export const TenThousand: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 9, maxPendingRequests: 20_000 });
    play(async () => {
      await joined(room, 'host');
      const base = room.server.room;
      const now = Date.now();
      const members: Record<string, Member> = { ...base.members };
      const requests: Record<string, SeatRequest> = { ...base.requests };
      for (let i = 0; i < 10_000; i++) {
        const id = `user-${i}`;
        members[id] = {
          id,
          name: `Listener ${i + 1}`,
          role: 'audience',
          connected: true,
          joinedAt: now,
          graceUntil: null,
          mic: 'off',
          camera: false,
        };
        requests[`req-${i}`] = {
          id: `req-${i}`,
          userId: id,
          seat: 'any',
          media: 'audio',
          status: 'pending',
          seq: i + 1,
          createdAt: now - (10_000 - i) * 20,
          deadline: now + 600_000 - (10_000 - i) * 20,
          resolvedAt: null,
          handledBy: null,
          seatIndex: null,
          reason: null,
        };
      }
      const next: RoomState = { ...base, version: base.version + 1, clock: now, members, requests };
      room.server.actor.send({ type: 'RESTORE', state: restoreAuthority(next) });
    });
    return viewer(room, 'host', 'host', list, { name: 'Alice' });
  },
};

import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { bot, later, freshRoom, joined, play, snap, until, viewer, withTheme } from './support/stage.js';

const grid = html`<mic-seat-grid></mic-seat-grid>`;

const meta: Meta = {
  title: 'Elements/mic-seat-grid',
  component: 'mic-seat-grid',
  decorators: [withTheme],
  parameters: {
    docs: {
      description: {
        component:
          'The seats: host place + guest seats as `<mic-seat>`. Arrow keys move between seats, Enter/Space act. Free mode: a tap takes a seat; request mode: a tap asks. Host and co-hosts get a seat menu.',
      },
    },
  },
};
export default meta;
type Story = StoryObj;

/** A listener's view of an empty room in free mode: every seat offers "+". */
export const Empty: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 8 });
    play(async () => {
      const host = await bot(room, 'alice', 'host', 'Alice');
      host.send({ type: 'SET_MODE', mode: 'free' });
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** Speakers on seats with simulated voices: speaking rings, mic states, host badge. */
export const Occupied: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 8 });
    play(async () => {
      const host = await bot(room, 'alice', 'host', 'Alice Chen');
      host.send({ type: 'SET_MODE', mode: 'free' });
      host.send({ type: 'SET_MIC', on: true });
      const names = ['Bao Wei', 'Carmen Ruiz', 'Dmitri', 'Eko Prasetyo'];
      for (const [i, n] of names.entries()) {
        const a = await bot(room, `p${i}`, 'audience', n);
        await until(() => snap(a).context.room?.mode === 'free');
        a.send({ type: 'TAKE_SEAT', seat: i });
        if (i === 3) {
          await until(() => snap(a).context.room?.seats[i]?.userId === `p${i}`);
          later(() => a.send({ type: 'SET_MIC', on: false }), 1500);
        }
      }
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** Locked seats (the host locked 2 and 5). */
export const Locked: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 6 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      host.send({ type: 'LOCK_SEAT', seat: 1, locked: true });
      host.send({ type: 'LOCK_SEAT', seat: 4, locked: true });
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** Seat 3 is reserved for an invitee; the countdown runs on the room clock. */
export const Reserved: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 6, invitationTimeoutMs: 120_000 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      await bot(room, 'bob', 'audience', 'Bob');
      host.send({ type: 'INVITE', userId: 'bob', seat: 2 });
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** Bob's connection dropped: his seat is held for the grace period, with a countdown. */
export const Reconnecting: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 6, reconnectGraceMs: 120_000 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      host.send({ type: 'SET_MODE', mode: 'free' });
      const bob = await bot(room, 'bob', 'audience', 'Bob');
      await until(() => snap(bob).context.room?.mode === 'free');
      bob.send({ type: 'TAKE_SEAT', seat: 1 });
      await until(() => snap(bob).context.room?.seats[1]?.userId === 'bob');
      room.drop('bob');
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** Mic states on seats: muted by host, no device, permission denied. */
export const MicStates: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 6 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      host.send({ type: 'SET_MODE', mode: 'free' });
      const people = [
        ['bob', 'Bob', null],
        ['carol', 'Carol', 'no-device'],
        ['dan', 'Dan', 'denied'],
      ] as const;
      for (const [i, [id, name, failure]] of people.entries()) {
        const a = await bot(room, id, 'audience', name);
        await until(() => snap(a).context.room?.mode === 'free');
        a.send({ type: 'TAKE_SEAT', seat: i });
        await until(() => snap(a).context.room?.members[id]?.mic === 'on');
        if (failure) {
          // the mic fails as a browser's would: turned off, then refused when turned on again
          room.clients.get(id)!.media.configure({ micFailure: failure });
          a.send({ type: 'SET_MIC', on: false });
          await until(() => snap(a).context.room?.members[id]?.mic === 'off');
          a.send({ type: 'SET_MIC', on: true });
        }
      }
      host.send({ type: 'MUTE_SEAT', seat: 0, muted: true });
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** The host's view: tap any seat for the seat menu (remove, lock, mute, move, invite). */
export const HostMenu: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 8 });
    play(async () => {
      await joined(room, 'host');
      for (const [i, n] of ['Bob', 'Carol'].entries()) {
        const a = await bot(room, n.toLowerCase(), 'audience', n);
        await until(() => snap(a).context.room?.mode === 'free');
        a.send({ type: 'TAKE_SEAT', seat: i * 2 });
      }
      await bot(room, 'dave', 'audience', 'Dave (listening)');
    });
    const el = viewer(room, 'host', 'host', html`<room-mode-toggle></room-mode-toggle>${grid}`, { name: 'Alice' });
    play(async () => {
      await joined(room, 'host');
      const provider = document.querySelector('micseat-room');
      provider?.actor?.send({ type: 'SET_MODE', mode: 'free' });
    });
    return el;
  },
};

/** The host opened the menu of Bob's seat. */
export const HostMenuOpen: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 8 });
    play(async () => {
      await joined(room, 'host');
      const provider = document.querySelector('micseat-room');
      provider?.actor?.send({ type: 'SET_MODE', mode: 'free' });
      const bob = await bot(room, 'bob', 'audience', 'Bob');
      await until(() => snap(bob).context.room?.mode === 'free');
      bob.send({ type: 'TAKE_SEAT', seat: 1 });
      await until(() => snap(bob).context.room?.members.bob?.mic === 'on');
      const seat = provider
        ?.querySelector('mic-seat-grid')
        ?.shadowRoot?.querySelector('mic-seat[seat="1"]:not([host])');
      (seat?.shadowRoot?.querySelector('[part~="base"]') as HTMLButtonElement | null)?.click();
    });
    return viewer(room, 'host', 'host', grid, { name: 'Alice' });
  },
};

/** Two people: the host and one guest, big tiles. */
export const Duo: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 1 });
    play(async () => {
      const host = await bot(room, 'alice', 'host', 'Alice');
      host.send({ type: 'SET_MIC', on: true });
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** A larger room (24 seats): compact tiles. */
export const Large: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 24 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      host.send({ type: 'SET_MODE', mode: 'free' });
      for (let i = 0; i < 10; i++) {
        const a = await bot(room, `g${i}`, 'audience', `Guest ${i + 1}`);
        await until(() => snap(a).context.room?.mode === 'free');
        a.send({ type: 'TAKE_SEAT', seat: i * 2 });
      }
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You', style: 'display:block;max-width:900px' });
  },
};

/** You and Bob tap seat 2 at the same moment; Bob wins; you are offered the nearest free seat. */
export const LostRace: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      host.send({ type: 'SET_MODE', mode: 'free' });
      const bob = await bot(room, 'bob', 'audience', 'Bob');
      await joined(room, 'you');
      await until(() => snap(bob).context.room?.mode === 'free');
      room.setFaultsFor('you', { latencyMs: 200 });
      const you = document.querySelector('micseat-room')?.actor;
      you?.send({ type: 'TAKE_SEAT', seat: 1 });
      bob.send({ type: 'TAKE_SEAT', seat: 1 });
      later(() => room.setFaultsFor('you', {}), 1000);
    });
    return viewer(room, 'you', 'audience', html`${grid}<cohost-request-button></cohost-request-button>`, {
      name: 'You',
    });
  },
};

/** Request mode: a tap asks for that seat; the seat pulses while the request waits. */
export const RequestPending: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 6 });
    play(async () => {
      await bot(room, 'alice', 'host');
      await joined(room, 'you');
      document.querySelector('micseat-room')?.actor?.send({ type: 'REQUEST_SEAT', seat: 2 });
    });
    return viewer(room, 'you', 'audience', grid, { name: 'You' });
  },
};

/** Right to left, in Chinese. */
export const RtlChinese: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 6 });
    play(async () => {
      const host = await bot(room, 'alice', 'host', '王芳');
      host.send({ type: 'SET_MODE', mode: 'free' });
      const b = await bot(room, 'bob', 'audience', '李雷');
      await until(() => snap(b).context.room?.mode === 'free');
      b.send({ type: 'TAKE_SEAT', seat: 0 });
    });
    return html`<div dir="rtl" lang="zh-CN">${viewer(room, 'you', 'audience', grid, { name: '你' })}</div>`;
  },
};

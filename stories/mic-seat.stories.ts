import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { bot, freshRoom, joined, play, snap, until, viewer, withTheme } from './support/stage.js';

const meta: Meta = {
  title: 'Elements/mic-seat',
  component: 'mic-seat',
  decorators: [withTheme],
  parameters: {
    docs: {
      description: { component: 'One seat on its own (usually inside `<mic-seat-grid>`), in each of its states.' },
    },
  },
};
export default meta;
type Story = StoryObj;

/**
 * One room with every seat state: 0 empty, 1 speaking, 2 locked, 3 reserved, 4 reconnecting,
 * 5 muted by host, 6 mic denied, 7 no device. Each story shows one of those seats.
 */
function seatStory(seat: number | 'host') {
  return () => {
    const room = freshRoom({ seatCount: 8, reconnectGraceMs: 300_000, invitationTimeoutMs: 300_000 });
    play(async () => {
      const host = await bot(room, 'alice', 'host', 'Alice Chen');
      host.send({ type: 'SET_MODE', mode: 'free' });
      host.send({ type: 'SET_MIC', on: true });
      const sit = async (id: string, name: string, index: number, failure?: 'denied' | 'no-device') => {
        const a = await bot(room, id, 'audience', name);
        await until(() => snap(a).context.room?.mode === 'free');
        a.send({ type: 'TAKE_SEAT', seat: index });
        await until(() => snap(a).context.room?.members[id]?.mic === 'on');
        if (failure) {
          room.clients.get(id)!.media.configure({ micFailure: failure });
          a.send({ type: 'SET_MIC', on: false });
          await until(() => snap(a).context.room?.members[id]?.mic === 'off');
          a.send({ type: 'SET_MIC', on: true });
        }
        return a;
      };
      await sit('bao', 'Bao Wei', 1);
      host.send({ type: 'LOCK_SEAT', seat: 2, locked: true });
      await bot(room, 'invitee', 'audience', 'Ines');
      host.send({ type: 'INVITE', userId: 'invitee', seat: 3 });
      await sit('rex', 'Rex', 4);
      room.drop('rex');
      await sit('mo', 'Mo', 5);
      host.send({ type: 'MUTE_SEAT', seat: 5, muted: true });
      await sit('dan', 'Dan', 6, 'denied');
      await sit('nia', 'Nia', 7, 'no-device');
      await joined(room, 'you');
    });
    const el = seat === 'host' ? html`<mic-seat host></mic-seat>` : html`<mic-seat seat=${seat}></mic-seat>`;
    return viewer(room, 'you', 'audience', el, {
      name: 'You',
      style: 'display:inline-block;padding:16px;border-radius:16px',
    });
  };
}

export const Empty: Story = { render: seatStory(0) };
export const Speaking: Story = { render: seatStory(1) };
export const Locked: Story = { render: seatStory(2) };
export const Reserved: Story = { render: seatStory(3) };
export const Reconnecting: Story = { render: seatStory(4) };
export const MutedByHost: Story = { render: seatStory(5) };
export const MicDenied: Story = { render: seatStory(6) };
export const NoDevice: Story = { render: seatStory(7) };
export const Host: Story = { render: seatStory('host') };

/** The host's network dropped: the host's place is held for the grace period, with a countdown. */
export const HostReconnecting: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4, reconnectGraceMs: 300_000 });
    play(async () => {
      await bot(room, 'alice', 'host', 'Alice Chen');
      await joined(room, 'you');
      room.drop('alice');
    });
    return viewer(room, 'you', 'audience', html`<mic-seat host></mic-seat>`, {
      name: 'You',
      style: 'display:inline-block;padding:16px;border-radius:16px',
    });
  },
};

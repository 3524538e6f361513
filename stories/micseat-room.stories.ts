import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import { bot, later, freshRoom, joined, play, snap, until, viewer, withTheme } from './support/stage.js';

const meta: Meta = {
  title: 'Elements/micseat-room',
  component: 'micseat-room',
  decorators: [withTheme],
  parameters: {
    docs: {
      description: {
        component:
          'The provider: one room actor per backend, shared by context; shows the connection state and announces lifecycle changes.',
      },
    },
  },
};
export default meta;
type Story = StoryObj;

const inside = html`<mic-seat-grid></mic-seat-grid><cohost-request-button></cohost-request-button>`;

/** Connected: no banner. */
export const Connected: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    play(() => bot(room, 'alice', 'host'));
    return viewer(room, 'you', 'audience', inside, { name: 'You' });
  },
};

/** A slow network (2 s each way): "Connecting…". */
export const Connecting: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    room.setFaults({ latencyMs: 2000 });
    return viewer(room, 'you', 'audience', inside, { name: 'You' });
  },
};

/** Your network dropped: "Reconnecting…" (your seat is held for the grace period). */
export const Reconnecting: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    play(async () => {
      await bot(room, 'alice', 'host');
      await joined(room, 'you');
      room.drop('you');
    });
    return viewer(room, 'you', 'audience', inside, { name: 'You' });
  },
};

/** The host left: the room has ended. */
export const Ended: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      await joined(room, 'you');
      later(() => host.send({ type: 'LEAVE_ROOM' }), 500);
    });
    return viewer(room, 'you', 'audience', inside, { name: 'You' });
  },
};

/** A refused action, in words, with a close button (also announced): here the browser denied the mic you turned on. */
export const ErrorBanner: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      host.send({ type: 'SET_MODE', mode: 'free' });
      await joined(room, 'you');
      const you = document.querySelector('micseat-room')!.actor!;
      await until(() => snap(you).context.room?.mode === 'free');
      you.send({ type: 'TAKE_SEAT', seat: 0 });
      await until(() => snap(you).context.room?.members.you?.mic === 'on');
      you.send({ type: 'SET_MIC', on: false });
      await until(() => snap(you).context.room?.members.you?.mic === 'off');
      room.clients.get('you')!.media.configure({ micFailure: 'denied' });
      you.send({ type: 'SET_MIC', on: true });
    });
    return viewer(room, 'you', 'audience', html`${inside}<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};

/** Dark theme on a light page, in Chinese. */
export const DarkChinese: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    play(() => bot(room, 'alice', 'host', '王芳'));
    return html`<div lang="zh-CN" style="--micseat-color-scheme: dark">${viewer(room, 'you', 'audience', inside, { name: '你', style: 'display:grid;gap:16px;max-width:760px;padding:16px;border-radius:16px' })}</div>`;
  },
};

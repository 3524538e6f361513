import type { RoomActor } from '@micseat/core';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import {
  bot,
  later,
  freshRoom,
  joined,
  permissionPrompt,
  play,
  snap,
  stalled,
  until,
  viewer,
  withTheme,
} from './support/stage.js';

const meta: Meta = {
  title: 'Elements/cohost-request-button',
  component: 'cohost-request-button',
  decorators: [withTheme],
  parameters: {
    docs: {
      description: {
        component: 'Request to speak, follow the request (queue position, time left), cancel, leave the seat.',
      },
    },
  },
};
export default meta;
type Story = StoryObj;

const button = html`<cohost-request-button></cohost-request-button><room-inspector></room-inspector>`;
const me = (): RoomActor | undefined => document.querySelector('micseat-room')?.actor;

/** Ready to ask (request mode). */
export const Idle: Story = {
  render: () => {
    const room = freshRoom();
    play(() => bot(room, 'alice', 'host'));
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

/** Free mode: "Take a seat" sits you on the nearest free seat. */
export const FreeMode: Story = {
  render: () => {
    const room = freshRoom();
    play(async () => (await bot(room, 'alice', 'host')).send({ type: 'SET_MODE', mode: 'free' }));
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

/** The room allows camera: a "with camera" choice appears. */
export const WithCamera: Story = {
  render: () => {
    const room = freshRoom({ allowCamera: true });
    play(() => bot(room, 'alice', 'host'));
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

/** The request is on its way (held here on a stalled link): "Sending…", nothing to click twice. */
export const Sending: Story = {
  render: () => {
    const room = freshRoom();
    play(async () => {
      await bot(room, 'alice', 'host');
      await joined(room, 'you');
      me()?.send({ type: 'REQUEST_SEAT' });
    });
    const el = viewer(room, 'you', 'audience', button, { name: 'You' });
    stalled(room, 'you', 'request-seat');
    return el;
  },
};

/** Pending, third in line: position and time left (announced politely). */
export const Pending: Story = {
  render: () => {
    const room = freshRoom({ requestTimeoutMs: 90_000 });
    play(async () => {
      await bot(room, 'alice', 'host');
      for (const id of ['bob', 'carol']) (await bot(room, id)).send({ type: 'REQUEST_SEAT' });
      await joined(room, 'you');
      await until(() => Object.keys(room.server.room.requests).length === 2);
      me()?.send({ type: 'REQUEST_SEAT' });
    });
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

async function askThen(room: ReturnType<typeof freshRoom>, then: (host: RoomActor) => void, hostMedia = {}) {
  const host = await bot(room, 'alice', 'host', 'Alice', hostMedia);
  await joined(room, 'you');
  me()?.send({ type: 'REQUEST_SEAT' });
  await until(() => Object.values(room.server.room.requests).some((r) => r.status === 'pending'));
  later(() => then(host), 600);
}

/** The host declined. */
export const Rejected: Story = {
  render: () => {
    const room = freshRoom();
    play(() => askThen(room, (h) => h.send({ type: 'REJECT_ALL' })));
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

/** Nobody answered within the request's timeout (3 s here). */
export const Timeout: Story = {
  render: () => {
    const room = freshRoom({ requestTimeoutMs: 3000 });
    play(() => askThen(room, () => {}));
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

/** You cancelled. */
export const Cancelled: Story = {
  render: () => {
    const room = freshRoom();
    play(() => askThen(room, () => me()?.send({ type: 'CANCEL_REQUEST' })));
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

/** Accepted, but the browser denied the microphone: the seat is given back, the message says why. */
export const MicDenied: Story = {
  render: () => {
    const room = freshRoom();
    play(() => askThen(room, (h) => h.send({ type: 'ACCEPT_NEXT' })));
    return viewer(room, 'you', 'audience', button, { name: 'You', media: { micFailure: 'denied' } });
  },
};

/** Accepted: on the seat, the button leaves it. */
export const OnSeat: Story = {
  render: () => {
    const room = freshRoom();
    play(() => askThen(room, (h) => h.send({ type: 'ACCEPT_NEXT' })));
    return viewer(room, 'you', 'audience', html`${button}<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};

/** Accepted; the browser is asking for the microphone (its prompt is left unanswered here): "Getting your mic ready…". */
export const Preparing: Story = {
  render: () => {
    const room = freshRoom();
    play(() => askThen(room, (h) => h.send({ type: 'ACCEPT_NEXT' })));
    const el = viewer(room, 'you', 'audience', html`${button}<mic-toggle></mic-toggle>`, { name: 'You' });
    permissionPrompt(room, 'you');
    return el;
  },
};

/** Free mode, someone took the seat a moment before you: "seat just taken — try seat N". */
export const LostRace: Story = {
  render: () => {
    const room = freshRoom({ seatCount: 4 });
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      host.send({ type: 'SET_MODE', mode: 'free' });
      const bob = await bot(room, 'bob');
      await joined(room, 'you');
      await until(() => snap(bob).context.room?.mode === 'free');
      room.setFaultsFor('you', { latencyMs: 200 });
      me()?.send({ type: 'TAKE_SEAT', seat: 2 });
      bob.send({ type: 'TAKE_SEAT', seat: 2 });
      later(() => room.setFaultsFor('you', {}), 1000);
    });
    return viewer(room, 'you', 'audience', button, { name: 'You' });
  },
};

/** In Chinese. */
export const Chinese: Story = {
  render: () => {
    const room = freshRoom();
    play(async () => {
      await bot(room, 'alice', 'host');
      await joined(room, 'you');
      me()?.send({ type: 'REQUEST_SEAT' });
    });
    return html`<div lang="zh-CN">${viewer(room, 'you', 'audience', button, { name: '你' })}</div>`;
  },
};

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
  until,
  viewer,
  withTheme,
} from './support/stage.js';

const meta: Meta = {
  title: 'Elements/Companions',
  decorators: [withTheme],
  parameters: {
    docs: {
      description: {
        component: 'Mode switch, mic switch, invitation prompt, connected users, "tap to listen" and the inspector.',
      },
    },
  },
};
export default meta;
type Story = StoryObj;

const me = (): RoomActor | undefined => document.querySelector('micseat-room')?.actor;

async function seated(room: ReturnType<typeof freshRoom>) {
  const host = await bot(room, 'alice', 'host');
  host.send({ type: 'SET_MODE', mode: 'free' });
  await joined(room, 'you');
  await until(() => snap(me()!).context.room?.mode === 'free');
  me()?.send({ type: 'TAKE_SEAT', seat: 0 });
  await until(() => snap(me()!).context.room?.members.you?.mic === 'on');
  return host;
}

// ---- room-mode-toggle
/** The host's switch: click or Space. */
export const ModeToggleHost: Story = {
  name: 'room-mode-toggle / host',
  render: () => viewer(freshRoom(), 'host', 'host', html`<room-mode-toggle></room-mode-toggle>`, { name: 'Alice' }),
};
/** A listener sees the mode, read-only. */
export const ModeToggleListener: Story = {
  name: 'room-mode-toggle / listener (read-only)',
  render: () => {
    const room = freshRoom();
    play(async () => {
      const host = await bot(room, 'alice', 'host');
      const flip = () => {
        host.send({ type: 'SET_MODE', mode: snap(host).context.room?.mode === 'free' ? 'request' : 'free' });
        later(flip, 3000);
      };
      later(flip, 3000);
    });
    return viewer(room, 'you', 'audience', html`<room-mode-toggle></room-mode-toggle>`, { name: 'You' });
  },
};

// ---- mic-toggle
/** Not on a seat: disabled, says why. */
export const MicNoSeat: Story = {
  name: 'mic-toggle / no seat',
  render: () => {
    const room = freshRoom();
    play(() => bot(room, 'alice', 'host'));
    return viewer(room, 'you', 'audience', html`<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};
/** On a seat, mic on (toggle it). */
export const MicOn: Story = {
  name: 'mic-toggle / on',
  render: () => {
    const room = freshRoom();
    play(() => seated(room));
    return viewer(room, 'you', 'audience', html`<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};
/** On a seat, mic off (toggle it on). */
export const MicOff: Story = {
  name: 'mic-toggle / off',
  render: () => {
    const room = freshRoom();
    play(async () => {
      await seated(room);
      me()?.send({ type: 'SET_MIC', on: false });
    });
    return viewer(room, 'you', 'audience', html`<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};
/** The host muted your seat. */
export const MicMutedByHost: Story = {
  name: 'mic-toggle / muted by host',
  render: () => {
    const room = freshRoom();
    play(async () => (await seated(room)).send({ type: 'MUTE_SEAT', seat: 0, muted: true }));
    return viewer(room, 'you', 'audience', html`<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};
async function failing(room: ReturnType<typeof freshRoom>, failure: 'denied' | 'no-device') {
  await seated(room);
  room.clients.get('you')!.media.configure({ micFailure: failure });
  me()?.send({ type: 'SET_MIC', on: false });
  await until(() => snap(me()!).context.room?.members.you?.mic === 'off');
  me()?.send({ type: 'SET_MIC', on: true });
}
/** Permission denied. */
export const MicDenied: Story = {
  name: 'mic-toggle / permission denied',
  render: () => {
    const room = freshRoom();
    play(() => failing(room, 'denied'));
    return viewer(room, 'you', 'audience', html`<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};
/** No microphone. */
export const MicNoDevice: Story = {
  name: 'mic-toggle / no device',
  render: () => {
    const room = freshRoom();
    play(() => failing(room, 'no-device'));
    return viewer(room, 'you', 'audience', html`<mic-toggle></mic-toggle>`, { name: 'You' });
  },
};

// ---- invitation-prompt
function invited(
  config = {},
  after?: (host: RoomActor) => void,
  media: { micFailure?: 'denied' | 'no-device' } = {},
  prompt = false,
) {
  const room = freshRoom({ seatCount: 6, invitationTimeoutMs: 60_000, ...config });
  play(async () => {
    const host = await bot(room, 'alice', 'host', 'Alice');
    await joined(room, 'you');
    host.send({ type: 'INVITE', userId: 'you', seat: 2 });
    if (after) later(() => after(host), 1500);
  });
  const el = viewer(
    room,
    'you',
    'audience',
    html`<invitation-prompt></invitation-prompt><mic-seat-grid></mic-seat-grid>`,
    { name: 'You', media },
  );
  if (prompt) permissionPrompt(room, 'you');
  return el;
}
/** You press Join (played here after a moment). */
const join = () => {
  const you = me();
  const id = you && Object.keys(snap(you).context.invitations)[0];
  if (id) you.send({ type: 'ACCEPT_INVITATION', invitationId: id });
};
/** Alice invites you to seat 3: Join or Not now, with the time left. */
export const InvitationPending: Story = { name: 'invitation-prompt / pending', render: () => invited() };
/** The host withdrew it. */
export const InvitationWithdrawn: Story = {
  name: 'invitation-prompt / withdrawn',
  render: () =>
    invited({}, (host) => {
      const id = Object.keys(snap(host).context.room!.invitations)[0];
      if (id) host.send({ type: 'CANCEL_INVITATION', invitationId: id });
    }),
};
/** It expired (5 s here). */
export const InvitationExpired: Story = {
  name: 'invitation-prompt / expired',
  render: () => invited({ invitationTimeoutMs: 5000 }),
};

/** You joined; the browser is asking for the microphone (its prompt is left unanswered here): "Getting your mic ready…". */
export const InvitationPreparing: Story = {
  name: 'invitation-prompt / preparing',
  render: () => invited({}, join, {}, true),
};
/** You joined but the browser denied the microphone: the seat is given back, the prompt says why until closed. */
export const InvitationFailed: Story = {
  name: 'invitation-prompt / failed',
  render: () => invited({}, join, { micFailure: 'denied' }),
};

// ---- connected-users
/** People come and go; the host can invite or remove. */
export const ConnectedUsersHost: Story = {
  name: 'connected-users / host',
  render: () => {
    const room = freshRoom({ seatCount: 6 });
    play(async () => {
      await joined(room, 'host');
      me()?.send({ type: 'SET_MODE', mode: 'free' });
      const bob = await bot(room, 'bob', 'audience', 'Bob');
      await until(() => snap(bob).context.room?.mode === 'free');
      bob.send({ type: 'TAKE_SEAT', seat: 0 });
      const carol = await bot(room, 'carol', 'audience', 'Carol');
      await bot(room, 'dave', 'audience', 'Dave');
      later(() => carol.send({ type: 'LEAVE_ROOM' }), 2500);
    });
    return viewer(room, 'host', 'host', html`<connected-users></connected-users>`, { name: 'Alice' });
  },
};

/** A listener's view: who is on the seats and who listens, without invite or remove buttons. */
export const ConnectedUsersListener: Story = {
  name: 'connected-users / listener',
  render: () => {
    const room = freshRoom({ seatCount: 6 });
    play(async () => {
      const host = await bot(room, 'alice', 'host', 'Alice');
      host.send({ type: 'SET_MODE', mode: 'free' });
      const bob = await bot(room, 'bob', 'audience', 'Bob');
      await until(() => snap(bob).context.room?.mode === 'free');
      bob.send({ type: 'TAKE_SEAT', seat: 0 });
      await bot(room, 'carol', 'audience', 'Carol');
    });
    return viewer(room, 'you', 'audience', html`<connected-users></connected-users>`, { name: 'You' });
  },
};
/** The host alone in the room: nobody on the seats but the host, nobody listening yet. */
export const ConnectedUsersEmpty: Story = {
  name: 'connected-users / empty room',
  render: () =>
    viewer(freshRoom({ seatCount: 6 }), 'host', 'host', html`<connected-users></connected-users>`, { name: 'Alice' }),
};

// ---- audio-unlock
/** The browser blocked autoplay: "tap to listen". */
export const AudioBlocked: Story = {
  name: 'audio-unlock / blocked',
  render: () => {
    const room = freshRoom();
    play(() => bot(room, 'alice', 'host'));
    return viewer(room, 'you', 'audience', html`<audio-unlock></audio-unlock>`, {
      name: 'You',
      media: { autoplayBlocked: true },
    });
  },
};

// ---- room-inspector
/** The machines' states, live. */
export const Inspector: Story = {
  name: 'room-inspector',
  render: () => {
    const room = freshRoom();
    play(async () => {
      await bot(room, 'alice', 'host');
      await joined(room, 'you');
      me()?.send({ type: 'REQUEST_SEAT' });
    });
    return viewer(
      room,
      'you',
      'audience',
      html`<cohost-request-button></cohost-request-button><room-inspector open></room-inspector>`,
      { name: 'You' },
    );
  },
};

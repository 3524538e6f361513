// A Vite + TypeScript app using the published packages (typed: `tsc --noEmit` runs first).
import '@micseat/elements';
import type { MicseatRoom } from '@micseat/elements';
import { createMemoryRoom } from '@micseat/backend-memory';
import type { RoomMode } from '@micseat/core';

const room = createMemoryRoom({ config: { seatCount: 4 } });
const mode: RoomMode = 'request';
document.querySelector<MicseatRoom>('#host')!.backend = room.join('alice', 'host');
document.querySelector<MicseatRoom>('#listener')!.backend = room.join('bob', 'audience');
document.body.addEventListener('seat-request', (e) => {
  // HTMLElementEventMap is augmented by @micseat/elements: e.detail is typed.
  document.body.dataset['requested'] = String(e.detail.seat);
});
document.body.dataset['mode'] = mode;

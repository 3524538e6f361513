/**
 * The single-file bundle of the example page: every element, plus a tiny bit of demo glue that
 * wires `<micseat-room data-demo-identity="…" data-demo-role="…">` elements on the page to one
 * shared in-memory room (a real page would hand each room a LiveKit backend instead).
 */
import { createMemoryRoom, type MemoryRoom } from '@micseat/backend-memory';
import type { MemberRole } from '@micseat/core';
import type { MicseatRoom } from '@micseat/elements';
export * from '@micseat/elements';
export { createMemoryRoom };

let shared: MemoryRoom | null = null;

function wire(): void {
  for (const el of document.querySelectorAll<MicseatRoom>('micseat-room[data-demo-identity]')) {
    if (el.backend) continue;
    shared ??= createMemoryRoom({ config: { seatCount: Number(el.dataset.demoSeats ?? 6) } });
    el.backend = shared.join(el.dataset.demoIdentity!, (el.dataset.demoRole ?? 'audience') as MemberRole);
  }
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire, { once: true });
  else wire();
}

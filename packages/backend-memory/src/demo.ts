/**
 * Declarative demo rooms, for pages without a line of script (a CMS page loading dist/micseat.js):
 *
 *   <micseat-room demo-room="party" demo-user="alice" demo-role="host" name="Alice">…</micseat-room>
 *   <micseat-room demo-room="party" demo-user="bob" name="Bob">…</micseat-room>
 *
 * Every `<micseat-room>` with a `demo-room` attribute and no backend yet joins an in-page memory
 * room of that name (one per name, made on first use; `demo-seats` on the first element sets the
 * seat count). For demos only: a real page gives each room element a LiveKit backend instead.
 */
import { LIMITS, roomError, validateConfig, type MemberRole, type RoomError } from '@micseat/core';
import { createMemoryRoom, type MemoryRoom } from './index.js';

const ROLES: readonly MemberRole[] = ['host', 'cohost', 'audience'];
const rooms = new Map<string, MemoryRoom>();
const observers = new Set<MutationObserver>();
let anonymous = 0;

/** What `connectDemoRooms` did: the elements it wired, and each refusal with its element. */
export interface DemoWiring {
  readonly connected: Element[];
  readonly refused: { readonly element: Element; readonly error: RoomError }[];
}

/**
 * Gives a memory backend to every `micseat-room[demo-room]` under `root` that has none. Bad
 * attributes are refused with a typed error (logged with `console.error`, and returned) and that
 * element is left alone; the others still connect.
 */
export function connectDemoRooms(root: ParentNode = document): DemoWiring {
  const connected: Element[] = [];
  const refused: DemoWiring['refused'] = [];
  const selector = 'micseat-room[demo-room]';
  const self = root instanceof Element && root.matches(selector) ? [root] : [];
  for (const el of [...self, ...root.querySelectorAll(selector)]) {
    const target = el as Element & { backend?: unknown };
    if (target.backend) continue;
    const wired = wire(el);
    if (wired.error) {
      refused.push({ element: el, error: wired.error });
      console.error(`micseat: <micseat-room demo-room> not connected: ${wired.error.message}`, wired.error);
      // The same event the elements send for an attribute they cannot use.
      const attribute = String(wired.error.details?.['attribute'] ?? 'demo-room');
      el.dispatchEvent(
        new CustomEvent('attribute-error', {
          bubbles: true,
          composed: true,
          detail: {
            code: 'invalid-attribute',
            attribute,
            value: String(el.getAttribute(attribute) ?? ''),
            expected: wired.error.message,
            message: wired.error.message,
          },
        }),
      );
      continue;
    }
    target.backend = wired.backend;
    connected.push(el);
  }
  return { connected, refused };
}

function wire(el: Element): { backend?: unknown; error?: RoomError } {
  const name = (el.getAttribute('demo-room') ?? '').trim();
  if (!name || name.length > 64) {
    return {
      error: roomError('invalid-command', 'demo-room must name the room (1 to 64 characters).', {
        attribute: 'demo-room',
      }),
    };
  }
  const role = (el.getAttribute('demo-role') ?? 'audience').trim() as MemberRole;
  if (!ROLES.includes(role)) {
    return {
      error: roomError('invalid-command', `demo-role must be one of ${ROLES.join(', ')}.`, {
        attribute: 'demo-role',
        value: role,
      }),
    };
  }
  const given = (el.getAttribute('demo-user') ?? '').trim();
  if (given.length > LIMITS.maxIdentityLength) {
    return {
      error: roomError('invalid-command', `demo-user must be at most ${LIMITS.maxIdentityLength} characters.`, {
        attribute: 'demo-user',
      }),
    };
  }
  const seats = el.getAttribute('demo-seats');
  const config = seats === null ? {} : { seatCount: /^\s*\d+\s*$/.test(seats) ? Number(seats) : NaN };
  const checked = validateConfig(config);
  if (!checked.ok) {
    return {
      error: roomError('invalid-command', `demo-seats must be a whole number from 1 to ${LIMITS.maxSeats}.`, {
        attribute: 'demo-seats',
        value: seats,
      }),
    };
  }
  let room = rooms.get(name);
  if (!room) {
    room = createMemoryRoom({ config });
    rooms.set(name, room);
  } else if (seats !== null && room.server.room.config.seatCount !== checked.value.seatCount) {
    // Every element of one demo room describes the same room: a second, different seat count is refused, not ignored.
    return {
      error: roomError(
        'invalid-command',
        `demo-seats="${seats}" differs from demo room "${name}", which has ${room.server.room.config.seatCount} seats.`,
        { attribute: 'demo-seats', value: seats },
      ),
    };
  }
  let user = given;
  while (!user || (!given && room.clients.has(user))) user = `guest-${++anonymous}`;
  if (room.clients.has(user)) {
    return {
      error: roomError('id-conflict', `demo-user "${user}" is already in demo room "${name}".`, {
        attribute: 'demo-user',
        value: user,
      }),
    };
  }
  return { backend: room.join(user, role) };
}

/**
 * Keeps wiring: every `micseat-room[demo-room]` added to the page later (a CMS block rendered
 * after load, a single-page app's view) connects like the ones present at load. Returns a stop function.
 */
export function observeDemoRooms(root: Node = document.documentElement): () => void {
  const observer = new MutationObserver((records) => {
    for (const r of records) {
      for (const node of r.addedNodes) {
        if (!(node instanceof Element)) continue;
        if (node.matches('micseat-room[demo-room]') || node.querySelector('micseat-room[demo-room]'))
          connectDemoRooms(node);
      }
    }
  });
  observer.observe(root, { childList: true, subtree: true });
  observers.add(observer);
  return () => {
    observer.disconnect();
    observers.delete(observer);
  };
}

let started: (() => void) | null = null;

/**
 * What a page without a script of its own needs (the CDN build, the CMS bundle): once the page is
 * parsed, connects the demo rooms present and keeps connecting ones added later. Idempotent.
 */
export function startDemoRooms(): void {
  if (typeof document === 'undefined' || started) return;
  started = () => {
    connectDemoRooms();
    if (started) observeDemoRooms();
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', started, { once: true });
  else started();
}

/** Closes every demo room and stops wiring new ones (for tests and single-page apps leaving the page). */
export function closeDemoRooms(): void {
  for (const o of observers) o.disconnect();
  observers.clear();
  started = null;
  for (const room of rooms.values()) room.close();
  rooms.clear();
}

import type { Member, MemberRole, RoomMode, RoomSnapshot, Seat } from '@micseat/core';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { styleMap } from 'lit/directives/style-map.js';
import { isHostAway, LIMITS } from '@micseat/core';
import { wholeNumber } from '../attributes.js';
import { MicseatElement } from '../base/micseat-element.js';
import { RoomClockController } from '../controllers/clock.js';
import { HoldController } from '../controllers/hold.js';
import { MenuController, menuStyles, type MenuEntry } from '../controllers/menu.js';
import { SelectorController, shallowEqual } from '../controllers/selector.js';
import { hueOf, initials } from '../i18n/format.js';
import { icons } from '../styles/icons.js';
import { invitable, seatMenu, seatTap, type SeatFacts } from '../offers.js';
import { seatStyles } from './mic-seat.styles.js';

type RequestRef = NonNullable<RoomSnapshot['context']['request']>;

/** Level (0..1, after rounding to 0.05 steps) from which a speaker counts as speaking. */
export const SPEAKING_THRESHOLD = 0.05;
/** How long the ring stays after the last loud moment (syllables have gaps). */
export const SPEAKING_HOLD_MS = 450;

interface SeatView {
  readonly seat: Seat | null;
  readonly member: Member | null;
  readonly reservedFor: Member | null;
  readonly me: string;
  readonly myRole: MemberRole | null;
  readonly mySeat: number;
  readonly mode: RoomMode;
  readonly connected: boolean;
  readonly request: RequestRef | null;
  readonly invitationId: string | null;
  readonly hostName: string | null;
  /** The host's place, and the host is away (the room carries on). */
  readonly hostAway: boolean;
}

const EMPTY_VIEW: SeatView = {
  seat: null,
  member: null,
  reservedFor: null,
  me: '',
  myRole: null,
  mySeat: -1,
  mode: 'free',
  connected: false,
  request: null,
  invitationId: null,
  hostName: null,
  hostAway: false,
};

type MenuPanel = 'main' | 'move' | 'invite';
type Kind = 'empty' | 'occupied' | 'locked' | 'reserved' | 'reconnecting';

/** The viewer's seat, found once per room state and shared by every seat of the grid (64 scans of 64 seats otherwise). */
let lastSeats: readonly Seat[] | null = null;
let lastIdentity = '';
let lastMySeat = -1;
function mySeatIn(room: { seats: readonly Seat[] }, identity: string): number {
  if (room.seats !== lastSeats || identity !== lastIdentity) {
    lastSeats = room.seats;
    lastIdentity = identity;
    lastMySeat = -1;
    for (const x of room.seats) if (x.userId === identity) lastMySeat = x.index;
  }
  return lastMySeat;
}

/**
 * One seat (or, with `host`, the host's place): empty with a clear "+" to take or request,
 * occupied (avatar or initials, name, host badge, speaking ring from the real audio level, mic
 * state incl. muted by host / no device / permission denied), locked, reserved (countdown) or
 * reconnecting (countdown). A tap does the obvious thing: take (free mode), request (request
 * mode), move (already seated); moderators get a seat menu: remove, lock/unlock, mute/unmute,
 * move, invite to this seat. Usually rendered by `<mic-seat-grid>`; works alone inside a room.
 *
 * @summary A seat: its state, its occupant, and its actions.
 * @fires seat-take - Before taking this seat. Cancelable. detail: `{ seat }`
 * @fires seat-request - Before asking the host for this seat. Cancelable. detail: `{ seat, media }`
 * @fires seat-switch - Before moving yourself, or (moderator) the occupant, to another seat. Cancelable. detail: `{ from, to, userId }`
 * @fires seat-leave - Before leaving this seat. Cancelable. detail: `{ seat }`
 * @fires seat-kick - Before removing the occupant. Cancelable. detail: `{ seat, userId }`
 * @fires seat-lock - Before locking or unlocking. Cancelable. detail: `{ seat, locked }`
 * @fires seat-mute - Before muting or releasing the seat's mic. Cancelable. detail: `{ seat, muted }`
 * @fires seat-invite - Before inviting someone to this seat. Cancelable. detail: `{ seat, userId }`
 * @fires invitation-cancel - Before withdrawing the invitation that reserves this seat. Cancelable. detail: `{ invitationId }`
 * @csspart base - The seat button (the whole tile).
 * @csspart avatar - The circle: picture, initials, "+", lock or clock.
 * @csspart initials - The initials when there is no picture.
 * @csspart picture - The avatar image.
 * @csspart badge - The host / co-host badge.
 * @csspart seat-number - The seat's number, on the avatar of an occupied, reserved or reconnecting seat.
 * @csspart crown - The crown on the host's place.
 * @csspart mic - The mic state indicator.
 * @csspart name - The name line (occupant, or the seat's label).
 * @csspart status - The status line (mic state, "Empty", countdown...).
 * @csspart countdown - The time left of a reservation or a reconnect hold.
 * @csspart menu - The moderator's seat menu.
 * @csspart menu-item - Each item of the seat menu.
 * @cssproperty --micseat-avatar-size - Diameter of the avatar (default 72px).
 * @cssproperty --micseat-seat-width - Width of the tile (default avatar + 36px; never wider than its cell).
 * @cssproperty --micseat-speaking - Colour of the speaking wave.
 * @cssproperty --micseat-speaking-ring - Width of the speaking wave's ring (default 4px).
 * @cssproperty --micseat-crown - Colour of the host's crown.
 * @cssstate empty - Nobody on the seat.
 * @cssstate occupied - Someone is on the seat.
 * @cssstate locked - The seat is locked.
 * @cssstate reserved - Held for an invitee (with a countdown).
 * @cssstate reconnecting - The occupant dropped; held for the grace period (with a countdown).
 * @cssstate speaking - The occupant's audio level is above the threshold.
 * @cssstate muted - Muted by the host.
 * @cssstate mic-off - The occupant's mic is off (or has no device / no permission).
 * @cssstate me - The seat is yours.
 * @cssstate pending - Your request for this seat is waiting for the host.
 * @cssstate host - This is the host's place.
 * @cssstate menu-open - The seat menu is open.
 */
export class MicSeat extends MicseatElement {
  static override styles = [...MicseatElement.styles, seatStyles, menuStyles];
  static override attributeRules = {
    ...MicseatElement.attributeRules,
    seat: wholeNumber('seat', 0, LIMITS.maxSeats - 1, 0),
  };

  private readonly view = this.selectRoom<SeatView>((s) => this.pick(s), EMPTY_VIEW, shallowEqual);
  private readonly level = this.selectRoom<number>((s) => {
    const id = this.occupantId(s);
    const l = id ? (s.context.levels.get(id) ?? 0) : 0;
    return Math.round(Math.min(1, l) * 20) / 20;
  }, 0);
  private readonly requestState = new SelectorController<RequestRef, { value: string; seat: unknown }>(
    this,
    () => this.view.value.request,
    (s) => ({ value: String(s.value), seat: s.context.seat }),
    { value: '', seat: null },
    shallowEqual,
  );
  private readonly clock = new RoomClockController(
    this,
    () => this.actor,
    () => this.kind === 'reserved' || this.kind === 'reconnecting',
  );

  @query('[part~="base"]') private button?: HTMLButtonElement;

  /** The seat menu (moderators, and your own seat): its own controller, out of this file's logic. */
  private readonly menu = new MenuController<MenuPanel>(this, () => this.button);

  /** Seat index (0-based). Ignored when `host` is set. */
  @property({ type: Number, reflect: true }) seat = 0;
  /** Show the host's place instead of a guest seat. */
  @property({ type: Boolean, reflect: true }) host = false;
  /** Tab index of the seat button (managed by `<mic-seat-grid>`'s roving tabindex). */
  @property({ type: Number, attribute: false }) rovingTabIndex = 0;

  override focus(options?: FocusOptions): void {
    this.button?.focus(options);
  }

  private occupantId(s: RoomSnapshot): string | null {
    const room = s.context.room;
    if (!room) return null;
    return this.host ? room.hostId : (room.seats[this.seat]?.userId ?? null);
  }

  private pick(s: RoomSnapshot): SeatView {
    const { room, identity } = s.context;
    if (!room) return EMPTY_VIEW;
    const seat = this.host ? null : (room.seats[this.seat] ?? null);
    const occupant = this.host ? room.hostId : seat?.userId;
    const reserved = seat?.status === 'reserved' && seat.reservedFor ? (room.members[seat.reservedFor] ?? null) : null;
    let invitationId: string | null = null;
    if (seat?.status === 'reserved') {
      for (const inv of Object.values(room.invitations)) {
        if (inv.status === 'pending' && inv.seat === this.seat && inv.userId === seat.reservedFor)
          invitationId = inv.id;
      }
    }
    const mySeat = mySeatIn(room, identity);
    return {
      seat,
      member: occupant ? (room.members[occupant] ?? null) : null,
      reservedFor: reserved,
      me: identity,
      myRole: room.members[identity]?.role ?? null,
      mySeat,
      mode: room.mode,
      connected: s.value === 'connected',
      request: s.context.request,
      invitationId,
      hostName: room.hostId ? (room.members[room.hostId]?.name ?? null) : null,
      hostAway: this.host && isHostAway(room),
    };
  }

  private readonly speakingHold = new HoldController(this, SPEAKING_HOLD_MS);
  private lastLoudLevel = 0;

  /** Speaking: loud now, or loud within the hold time (the hold controller re-checks when it ends). */
  private isSpeaking(): boolean {
    const v = this.view.value;
    const member = v.member;
    if (!member || this.kind !== 'occupied' || member.mic !== 'on' || v.seat?.muted) {
      this.speakingHold.reset();
      return false;
    }
    const loud = this.level.value >= SPEAKING_THRESHOLD;
    if (loud) this.lastLoudLevel = this.level.value;
    const on = this.speakingHold.hold(loud);
    if (!on) this.lastLoudLevel = 0;
    return on;
  }

  /** "Alice (you)" as a name that may shorten and a "(you)" that always shows, in the language's order. */
  private withYou(n: string): TemplateResult {
    const full = this.t.withYou(n);
    const at = full.indexOf(n);
    const [before, after] = at < 0 ? ['', full] : [full.slice(0, at), full.slice(at + n.length)];
    return html`${before ? html`<span class="you" data-state-text>${before}</span>` : nothing}<span class="who">${n}</span>${after ? html`<span class="you" data-state-text>${after}</span>` : nothing}`;
  }

  private get kind(): Kind {
    const v = this.view.value;
    if (this.host) return v.member ? (v.member.connected ? 'occupied' : 'reconnecting') : 'empty';
    return v.seat?.status ?? 'empty';
  }

  private get pendingHere(): boolean {
    const r = this.requestState.value;
    return (r.value === 'pending' || r.value === 'sending') && r.seat === this.seat && !this.host;
  }

  private get requestActive(): boolean {
    const r = this.requestState.value.value;
    return ['sending', 'pending', 'cancelling', 'accepted', 'preparing', 'rollingBack'].includes(r);
  }

  /** The facts the offers are decided from (core's policy, through ../offers.ts). */
  private get facts(): SeatFacts {
    const v = this.view.value;
    return {
      connected: v.connected,
      me: v.me,
      myRole: v.myRole,
      mySeat: v.mySeat,
      mode: v.mode,
      index: this.seat,
      status: this.kind,
      muted: !!v.seat?.muted,
      reservedFor: v.seat?.reservedFor ?? null,
      occupant: v.member?.id ?? null,
      occupantRole: v.member?.role ?? null,
      requestActive: this.requestActive,
      invitationId: v.invitationId,
    };
  }

  /** What a tap does for this user on this seat. */
  private get action(): { label: string; run: () => void } | 'menu' | null {
    if (this.host) return null;
    const v = this.view.value;
    const n = this.seat + 1;
    switch (seatTap(this.facts)) {
      case 'menu':
        return 'menu';
      case 'switch-here':
        return {
          label: this.t.moveToSeatN(n),
          run: () => this.intent('seat-switch', { from: v.mySeat, to: this.seat, userId: v.me }),
        };
      case 'take':
        return { label: this.t.takeSeatN(n), run: () => this.intent('seat-take', { seat: this.seat }) };
      case 'request':
        return {
          label: this.t.requestSeatN(n),
          run: () => this.intent('seat-request', { seat: this.seat, media: 'audio' }),
        };
      default:
        return null;
    }
  }

  private onClick = (): void => {
    const a = this.action;
    if (a === 'menu') this.menu.open('main');
    else a?.run();
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const v = this.view.value;
    const kind = this.kind;
    const member = v.member;
    const muted = !!v.seat?.muted;
    const speaking = this.isSpeaking();
    this.setStates({
      empty: kind === 'empty',
      occupied: kind === 'occupied',
      locked: kind === 'locked',
      reserved: kind === 'reserved',
      reconnecting: kind === 'reconnecting',
      speaking,
      muted,
      'mic-off': !!member && member.mic !== 'on',
      me: !!member && member.id === v.me,
      pending: this.pendingHere,
      host: this.host,
      'menu-open': this.menu.panel !== null,
    });
    // The menu closes when the seat changes under it to a state it no longer fits.
    if (this.menu.panel && !this.host && seatTap(this.facts) !== 'menu') this.menu.close(false);
  }

  /** The entries of the open menu panel, from the seat's state and the viewer's role. */
  private menuEntries(panel: MenuPanel): { title: string; entries: MenuEntry<MenuPanel>[] } {
    const t = this.t;
    const v = this.view.value;
    const n = this.seat + 1;
    const room = this.actor?.getSnapshot().context.room;
    const entries: MenuEntry<MenuPanel>[] = [];
    const member = v.member;
    const seat = this.seat;
    if (panel === 'move' && room && member) {
      const free = room.seats.filter(
        (s) => s.status === 'empty' || (s.status === 'reserved' && s.reservedFor === member.id),
      );
      for (const s of free)
        entries.push({
          label: t.moveTo(s.index + 1),
          run: () => this.intent('seat-switch', { from: seat, to: s.index, userId: member.id }),
        });
      if (!free.length) entries.push({ label: t.noFreeSeat, disabled: true });
      entries.push({ label: t.back, panel: 'main' });
      return { title: t.moveSpeaker, entries };
    }
    if (panel === 'invite' && room) {
      const seated = new Set(room.seats.map((s) => s.userId).filter(Boolean));
      const invited = new Set(
        Object.values(room.invitations)
          .filter((i) => i.status === 'pending')
          .map((i) => i.userId),
      );
      const people = Object.values(room.members).filter(
        (m) => invitable(v.myRole, m) && !seated.has(m.id) && !invited.has(m.id),
      );
      for (const m of people)
        entries.push({ label: m.name, run: () => this.intent('seat-invite', { seat, userId: m.id }) });
      if (!people.length) entries.push({ label: t.nobodyToInvite, disabled: true });
      entries.push({ label: t.back, panel: 'main' });
      return { title: t.inviteToSeat, entries };
    }
    for (const offer of seatMenu(this.facts)) {
      const muted = offer === 'mute';
      const locked = offer === 'lock';
      switch (offer) {
        case 'leave':
          entries.push({ label: t.leaveSeat, run: () => this.intent('seat-leave', { seat }), danger: true });
          break;
        case 'move-self':
        case 'move':
          entries.push({ label: t.moveSpeaker, panel: 'move' });
          break;
        case 'take':
          entries.push({ label: t.takeThisSeat, run: () => this.intent('seat-take', { seat }) });
          break;
        case 'switch-here':
          entries.push({
            label: t.moveToSeatN(n),
            run: () => this.intent('seat-switch', { from: v.mySeat, to: seat, userId: v.me }),
          });
          break;
        case 'invite':
          entries.push({ label: t.inviteToSeat, panel: 'invite' });
          break;
        case 'cancel-invitation': {
          const invitationId = v.invitationId!;
          entries.push({ label: t.cancelInvitation, run: () => this.intent('invitation-cancel', { invitationId }) });
          break;
        }
        case 'mute':
        case 'unmute':
          entries.push({
            label: muted ? t.muteSeat : t.unmuteSeat,
            run: () => this.intent('seat-mute', { seat, muted }),
          });
          break;
        case 'kick':
          entries.push({
            label: t.removeFromSeat,
            run: () => this.intent('seat-kick', { seat, userId: member!.id }),
            danger: true,
          });
          break;
        case 'lock':
        case 'unlock':
          entries.push({
            label: locked ? t.lockSeat : t.unlockSeat,
            run: () => this.intent('seat-lock', { seat, locked }),
          });
          break;
      }
    }
    if (!entries.length) entries.push({ label: t.close, run: () => undefined });
    return { title: t.seatActions(n), entries };
  }

  private renderMenu(): TemplateResult | typeof nothing {
    const panel = this.menu.panel;
    if (!panel) return nothing;
    const { title, entries } = this.menuEntries(panel);
    return this.menu.render(title, entries, 'main');
  }

  protected override render() {
    const t = this.t;
    const v = this.view.value;
    const kind = this.kind;
    const member = v.member;
    const n = this.seat + 1;
    const label = this.host ? t.hostSeat : t.seatN(n);
    const muted = !!v.seat?.muted;
    const level = Math.max(this.level.value, this.lastLoudLevel);
    const speaking = this.isSpeaking();
    const isMe = !!member && member.id === v.me;
    const action = this.action;

    let avatar: TemplateResult;
    // The name may shorten (ellipsis); the state never does: "(you)", labels and countdowns are
    // their own boxes, marked data-state-text (the visual check asserts none is ever clipped).
    let name: string;
    let nameShown: TemplateResult | string;
    let status: TemplateResult;
    const deadline = this.host ? (member?.graceUntil ?? null) : (v.seat?.deadline ?? null);
    // A minute or more as a clock ("1:59"): "1 min, 59 sec" is wider than a phone's seat tile.
    const ms = deadline != null ? this.clock.left(deadline) : 0;
    const left = deadline == null ? '' : ms >= 60_000 ? clockTime(ms) : this.duration(ms);
    const stateText = (text: string) => html`<span class="label" data-state-text>${text}</span>`;
    const countdown = html`<span part="countdown" data-state-text>${left}</span>`;
    const person = (m: Member) => (m.id === v.me ? this.withYou(m.name) : html`<span class="who">${m.name}</span>`);
    switch (kind) {
      case 'locked':
        avatar = icons.lock;
        name = label;
        nameShown = html`<span class="who">${label}</span>`;
        status = stateText(t.lockedSeat);
        break;
      case 'reserved': {
        avatar = icons.clock;
        // Visible: who it is held for, and the time left; screen readers hear "Reserved for X".
        const r = v.reservedFor;
        name = r ? (r.id === v.me ? t.reservedForYou : r.name) : t.reserved;
        nameShown = r ? person(r) : html`<span class="who">${t.reserved}</span>`;
        status = html`<span class="with-count">${stateText(r?.id === v.me ? t.reservedForYou : t.reserved)} ${countdown}</span>`;
        break;
      }
      case 'empty':
        avatar = this.host ? icons.crown : icons.plus;
        name = label;
        nameShown = html`<span class="who">${label}</span>`;
        status = stateText(v.hostAway ? t.hostAway : this.pendingHere ? t.statusWord.pending : t.emptySeat);
        break;
      default: {
        const m = member!;
        avatar = m.avatar
          ? html`<img part="picture" src=${m.avatar} alt="" />`
          : html`<span part="initials" aria-hidden="true">${initials(m.name)}</span>`;
        name = isMe ? t.withYou(m.name) : m.name;
        nameShown = person(m);
        if (kind === 'reconnecting')
          status = html`<span class="with-count">${stateText(t.reconnectingSeat)} ${countdown}</span>`;
        else status = stateText(muted ? t.mic['muted-by-host'] : t.mic[m.mic]);
      }
    }
    const micClass = muted ? 'muted' : (member?.mic ?? 'off');
    const badge =
      member && (member.role === 'host' || member.role === 'cohost')
        ? html`<span part="badge">${member.role === 'host' ? t.hostBadge : t.cohostBadge}</span>`
        : nothing;
    // The seat's number on an occupied seat (its label line then shows the person); the crown on the host's place.
    const corner = this.host
      ? html`<span part="crown" aria-hidden="true">${icons.crown}</span>`
      : kind !== 'empty' && kind !== 'locked'
        ? html`<span part="seat-number" aria-hidden="true">${n}</span>`
        : nothing;
    const micIcon =
      member && kind !== 'locked'
        ? html`<span part="mic" class=${micClass} aria-hidden="true">${member.mic === 'on' && !muted ? icons.mic : icons.micOff}</span>`
        : nothing;

    // The accessible name is the visible text plus hidden context (seat number, action, speaking).
    const held =
      kind === 'reserved' && v.reservedFor && v.reservedFor.id !== v.me
        ? `${t.reservedFor(v.reservedFor.name)}${t.labelSep}`
        : '';
    const prefix =
      (action && action !== 'menu' ? `${action.label}${t.labelSep}` : name === label ? '' : `${label}${t.labelSep}`) +
      held;
    const suffix = [speaking ? t.speaking : '', action === 'menu' ? t.seatActions(n) : '']
      .filter(Boolean)
      .join(t.listSep);
    const classes = {
      [kind]: true,
      speaking,
      actionable: !!action,
      pending: this.pendingHere,
    };
    return html`
      <button
        part="base"
        class=${classMap(classes)}
        tabindex=${this.rovingTabIndex}
        aria-haspopup=${action === 'menu' ? 'menu' : nothing}
        aria-expanded=${action === 'menu' ? String(this.menu.panel !== null) : nothing}
        aria-disabled=${action ? nothing : 'true'}
        @click=${this.onClick}
      >
        <span
          part="avatar"
          style=${styleMap({ '--_level': String(speaking ? level : 0), '--_hue': String(member ? hueOf(member.id) : 250) })}
          aria-hidden="true"
          >${avatar}${corner}${badge}${micIcon}</span
        >
        ${prefix ? html`<span class="sr-only">${prefix}</span>` : nothing}
        <span part="name" dir="auto">${nameShown}</span>
        <span class="sr-only">${t.listSep}</span>
        <span part="status" dir="auto">${status}</span>
        ${suffix ? html`<span class="sr-only">${t.listSep}${suffix}</span>` : nothing}
      </button>
      ${this.renderMenu()}
    `;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('mic-seat')) {
  customElements.define('mic-seat', MicSeat);
}

declare global {
  interface HTMLElementTagNameMap {
    'mic-seat': MicSeat;
  }
}

/** `m:ss` (or `h:mm:ss`), rounded up like every countdown: 119 001 ms is "2:00". */
function clockTime(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

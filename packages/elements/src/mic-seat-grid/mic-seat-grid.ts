import type { RoomSnapshot } from '@micseat/core';
import { html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { oneOf } from '../attributes.js';
import { MicseatElement } from '../base/micseat-element.js';
import { RovingTabindexController, type RovingItem } from '../controllers/roving-tabindex.js';
import { SelectorController, shallowEqual } from '../controllers/selector.js';
import '../mic-seat/mic-seat.js';
import { gridStyles } from './mic-seat-grid.styles.js';

type RequestRef = NonNullable<RoomSnapshot['context']['request']>;
type Layout = 'duo' | 'group' | 'large';

/** The seats' own parts, re-exported as `seat-*` (style them with `mic-seat-grid::part(seat-avatar)`). */
const SEAT_PARTS = [
  'base',
  'avatar',
  'initials',
  'picture',
  'badge',
  'seat-number',
  'crown',
  'mic',
  'name',
  'status',
  'countdown',
  'menu',
  'menu-item',
]
  .map((p) => `${p}: seat-${p}`)
  .join(', ');

/**
 * The seats of the room: the host's place and every guest seat as `<mic-seat>`s, laid out for
 * two people (host + one), groups (host + up to 9) or larger rooms. One tab stop: arrow keys
 * move between seats (roving tabindex, RTL-aware), Home/End jump, Enter/Space act. After a lost
 * race it says the seat was just taken and offers the nearest free one.
 *
 * @summary The seat grid.
 * @fires seat-take - (from the seats and the lost-race offer) Cancelable. detail: `{ seat }`
 * @fires seat-request - (from the seats) Cancelable. detail: `{ seat, media }`
 * @fires seat-switch - (from the seats) Cancelable. detail: `{ from, to, userId }`
 * @fires seat-leave - (from the seats) Cancelable. detail: `{ seat }`
 * @fires seat-kick - (from the seats, moderators) Cancelable. detail: `{ seat, userId }`
 * @fires seat-lock - (from the seats, moderators) Cancelable. detail: `{ seat, locked }`
 * @fires seat-mute - (from the seats, moderators) Cancelable. detail: `{ seat, muted }`
 * @fires seat-invite - (from the seats, moderators) Cancelable. detail: `{ seat, userId }`
 * @fires invitation-cancel - (from the seats, moderators) Cancelable. detail: `{ invitationId }`
 * @csspart base - The grid.
 * @csspart host - The host's `<mic-seat>`.
 * @csspart seat - Every guest `<mic-seat>` (style inside them with `mic-seat::part(...)`).
 * @csspart notice - The "seat just taken — try seat N" message.
 * @csspart notice-action - Its "take seat N" button.
 * @csspart notice-close - Its close button.
 * @csspart seat-avatar - Every seat's avatar (and likewise `seat-base`, `seat-name`, `seat-status`, `seat-badge`, `seat-mic`, `seat-countdown`, `seat-menu`, `seat-menu-item`, `seat-initials`, `seat-picture`).
 * @cssproperty --micseat-gap - Space between seats.
 * @cssproperty --micseat-duo-avatar-size - Avatar size in the two-person layout (default 96px).
 * @cssproperty --micseat-large-avatar-size - Avatar size for more than 9 seats (default 48px).
 * @cssproperty --micseat-large-seat-width - Narrowest seat column for more than 9 seats (default 84px).
 * @cssproperty --micseat-compact-avatar-size - Avatar size when the grid is narrower than 460px (default 48px).
 * @cssstate lost-race - The "seat just taken" message is showing.
 */
export class MicSeatGrid extends MicseatElement {
  static override styles = [...MicseatElement.styles, gridStyles];
  static override attributeRules = {
    ...MicseatElement.attributeRules,
    layout: oneOf('layout', ['duo', 'group', 'large']),
  };

  private readonly info = this.selectRoom(
    (s) => ({
      count: s.context.room?.config.seatCount ?? 0,
      request: s.context.request,
      connected: s.value === 'connected',
    }),
    { count: 0, request: null as RequestRef | null, connected: false },
    shallowEqual,
  );
  private readonly lost = new SelectorController<RequestRef, { seat: number | null; nearest: number | null } | null>(
    this,
    () => this.info.value.request,
    (s) =>
      s.value === 'lostRace'
        ? { seat: typeof s.context.seat === 'number' ? s.context.seat : null, nearest: s.context.nearestFree }
        : null,
    null,
    shallowEqual,
  );
  private readonly roving = new RovingTabindexController(this, {
    items: () => [...(this.renderRoot?.querySelectorAll<RovingItem>('mic-seat') ?? [])],
  });

  @state() private dismissed: RequestRef | null = null;

  /** Layout: `duo` (host + one), `group` (up to 9 guests) or `large`; chosen from the seat count unless set. */
  @property({ reflect: true }) layout?: Layout;
  /** Hide the host's place (e.g. when the host is shown elsewhere). */
  @property({ type: Boolean, attribute: 'no-host' }) noHost = false;

  private autoLayout = true;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    // A layout set by the page (not a refused one put back) turns the automatic choice off.
    if (
      changed.has('layout') &&
      !this.refusedAttributes.has('layout') &&
      changed.get('layout') !== undefined &&
      this.layout
    )
      this.autoLayout = false;
    // No layout (never set, or a bad value put back to none): choose from the seat count.
    if (!this.layout) this.autoLayout = true;
    const count = this.info.value.count;
    if (this.autoLayout) {
      const next: Layout = count <= 1 ? 'duo' : count <= 9 ? 'group' : 'large';
      if (this.layout !== next) this.layout = next;
    }
    this.setStates({ 'lost-race': !!this.lostOffer });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (MicSeatGrid.attributeRules.layout!.valid(this.getAttribute('layout'))) this.autoLayout = false;
  }

  private get lostOffer() {
    const l = this.lost.value;
    return l && this.dismissed !== this.info.value.request ? l : null;
  }

  private takeNearest(seat: number): void {
    this.dismissed = this.info.value.request;
    this.intent('seat-take', { seat });
    this.focusSeat(seat);
  }

  /** Focus stays in the grid when the notice closes: on the offered seat, or the current tab stop. */
  private focusSeat(seat: number | null): void {
    void this.updateComplete.then(() =>
      this.roving.setActive(seat === null ? this.roving.active : seat + (this.noHost ? 0 : 1), true),
    );
  }

  protected override render() {
    const t = this.t;
    const { count } = this.info.value;
    const seats = Array.from({ length: count }, (_, i) => i);
    const lost = this.lostOffer;
    return html`
      <div
        part="base"
        style=${this.layout === 'group' ? `--_columns: ${groupColumns(count)}` : ''}
        role="group"
        aria-label=${t.seats}
        @keydown=${this.roving.keydown}
        @focusin=${this.roving.focusin}
      >
        ${this.noHost ? nothing : html`<mic-seat part="host" host exportparts=${SEAT_PARTS}></mic-seat>`}
        ${repeat(
          seats,
          (i) => i,
          (i) => html`<mic-seat part="seat" .seat=${i} exportparts=${SEAT_PARTS}></mic-seat>`,
        )}
      </div>
      ${
        lost && lost.seat !== null
          ? html`<div part="notice" role="alert">
            <span class="text">${t.seatJustTaken(lost.seat + 1, lost.nearest === null ? null : lost.nearest + 1)}</span>
            ${
              lost.nearest !== null
                ? html`<button part="notice-action" class="btn primary small" @click=${() => this.takeNearest(lost.nearest!)}>
                  ${t.tryNearest(lost.nearest + 1)}
                </button>`
                : nothing
            }
            <button
              part="notice-close"
              class="btn small"
              @click=${() => {
                this.dismissed = this.info.value.request;
                this.focusSeat(null);
              }}
            >
              ${t.close}
            </button>
          </div>`
          : nothing
      }
    `;
  }
}

/** Columns for a group: even rows (3 × 3 for nine, 4 × 2 for eight, 3 × 2 for six...). */
function groupColumns(count: number): number {
  if (count <= 4) return Math.max(2, count);
  if (count % 4 === 0) return 4;
  if (count % 3 === 0) return 3;
  return 4;
}

if (typeof customElements !== 'undefined' && !customElements.get('mic-seat-grid')) {
  customElements.define('mic-seat-grid', MicSeatGrid);
}

declare global {
  interface HTMLElementTagNameMap {
    'mic-seat-grid': MicSeatGrid;
  }
}

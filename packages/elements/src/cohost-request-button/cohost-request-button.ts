import { mayTakeGuestSeat, type MediaWanted, type MemberRole, type RoomError, type RoomSnapshot } from '@micseat/core';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { MicseatElement } from '../base/micseat-element.js';
import { steady } from '../styles/steady.js';
import { RoomClockController } from '../controllers/clock.js';
import { SelectorController, shallowEqual } from '../controllers/selector.js';
import { errorText } from '../i18n/strings.js';
import { icons } from '../styles/icons.js';

type RequestRef = NonNullable<RoomSnapshot['context']['request']>;

interface RequestView {
  readonly state: string;
  readonly position: number | null;
  readonly deadline: number | null;
  readonly error: RoomError | null;
  readonly nearestFree: number | null;
  readonly seat: unknown;
  readonly reason: string | null;
  readonly kind: string;
}

const NO_REQUEST: RequestView = {
  state: 'none',
  position: null,
  deadline: null,
  error: null,
  nearestFree: null,
  seat: null,
  reason: null,
  kind: 'request',
};

/** How long a verdict ("The host declined your request.") stays under the button. */
export const VERDICT_SHOW_MS = 8_000;
const VERDICTS = ['rejected', 'cancelled', 'timeout', 'failed', 'lost-race'];

/**
 * The listener's "request to speak" button and its whole lifecycle: request (audio only, or
 * audio + camera when the room allows it), sending, pending with the queue position and the
 * time left, cancel, then preparing the mic and on the seat, where it becomes "leave seat".
 * Rejected, cancelled, timeout, error and a lost race each get a clear message. In free mode
 * it takes the nearest free seat. Hidden for the host.
 *
 * @summary Request a seat, follow the request, leave the seat.
 * @fires seat-request - Before asking for a seat. Cancelable. detail: `{ seat: 'any', media }`
 * @fires seat-request-cancel - Before cancelling the pending request. Cancelable.
 * @fires seat-leave - Before leaving the seat. Cancelable. detail: `{ seat }`
 * @fires seat-take - Before taking the nearest free seat offered after a lost race. Cancelable. detail: `{ seat }`
 * @csspart base - The wrapper.
 * @csspart button - The main button.
 * @csspart camera - The "with camera" checkbox label (only when the room allows camera).
 * @csspart status - The line under the button: queue position and time left, or the outcome.
 * @csspart position - The queue position.
 * @csspart countdown - The time left.
 * @csspart retry - The "take seat N" button after a lost race.
 * @cssproperty --micseat-accent - Button colour.
 * @cssstate idle - No request in flight.
 * @cssstate sending - The request is on its way.
 * @cssstate pending - Waiting for the host.
 * @cssstate preparing - Accepted; the mic is being opened.
 * @cssstate on-seat - You are on a seat.
 * @cssstate rejected - The last request was declined.
 * @cssstate timeout - The last request expired.
 * @cssstate cancelled - The last request was cancelled.
 * @cssstate lost-race - The seat was just taken by someone else.
 * @cssstate failed - The last attempt failed (see the message).
 */
export class CohostRequestButton extends MicseatElement {
  static override styles = [
    ...MicseatElement.styles,
    css`
      :host {
        display: inline-block;
      }
      [part~='base'] {
        display: inline-grid;
        justify-items: start;
        gap: 6px;
      }
      [part~='button'] {
        min-width: 12em;
      }
      [part~='status'] {
        /* As wide as the button (never wider: what follows stays put), with room for two lines
           and the small retry button: no shift between states. */
        width: 0;
        min-width: 100%;
        min-height: max(32px, 2.6em);
        line-height: 1.3;
        color: var(--_ink-2);
        font-size: 0.92em;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
      }
      [part~='status'].problem {
        color: var(--_danger);
      }
      [part~='position'] {
        color: var(--_ink);
        font-weight: 700;
      }
      [part~='countdown'] {
        font-variant-numeric: tabular-nums;
      }
      [part~='camera'] {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-size: 0.92em;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 10px;
      }
    `,
  ];

  private readonly room = this.selectRoom(
    (s) => {
      const room = s.context.room;
      const me = s.context.identity;
      let mySeat = -1;
      for (const seat of room?.seats ?? []) if (seat.userId === me) mySeat = seat.index;
      return {
        request: s.context.request,
        mode: room?.mode ?? 'request',
        role: room?.members[me]?.role ?? null,
        mySeat,
        allowCamera: !!room?.config.allowCamera,
        connected: s.value === 'connected',
        leaving: !!s.context.busy.LEAVE_SEAT,
        invited: !!room && Object.values(room.invitations).some((i) => i.userId === me && i.status === 'pending'),
        removedSeq: s.context.notice?.code === 'removed-from-seat' ? s.context.notice.seq : 0,
      };
    },
    {
      request: null as RequestRef | null,
      mode: 'request' as const,
      role: null,
      mySeat: -1,
      allowCamera: false,
      connected: false,
      leaving: false,
      invited: false,
      removedSeq: 0,
    } as {
      request: RequestRef | null;
      mode: 'free' | 'request';
      role: MemberRole | null;
      mySeat: number;
      allowCamera: boolean;
      connected: boolean;
      leaving: boolean;
      invited: boolean;
      removedSeq: number;
    },
    shallowEqual,
  );
  private readonly request = new SelectorController<RequestRef, RequestView>(
    this,
    () => this.room.value.request,
    (s) => ({
      state: String(s.value),
      position: s.context.position,
      deadline: s.context.deadline,
      error: s.context.error,
      nearestFree: s.context.nearestFree,
      seat: s.context.seat,
      reason: s.context.reason,
      kind: s.context.kind,
    }),
    NO_REQUEST,
    shallowEqual,
  );
  private readonly clock = new RoomClockController(
    this,
    () => this.actor,
    () => this.request.value.state === 'pending',
  );

  @state() private announcement = '';
  private lastPosition: number | null = null;
  /** A verdict ("declined", "cancelled", "removed from the seat") shows for a while, then goes. */
  private verdictUntil = 0;
  private verdictTimer: ReturnType<typeof setTimeout> | null = null;
  private lastVerdict = '';
  private seenRemoval = -1;
  /** The host removed you from your seat: shown like a verdict. */
  private removed = false;

  /** Ask with the camera too (only offered when the room allows camera). */
  @property({ type: Boolean }) camera = false;

  private get phase(): string {
    const r = this.room.value;
    const s = this.request.value.state;
    // Before "on a seat": the authority seats you as it accepts, while the mic is still opening
    // (or being rolled back); until that settles the button says so instead of "Leave seat".
    if (s === 'accepted' || s === 'preparing' || s === 'rollingBack') return 'preparing';
    if (r.mySeat >= 0) return 'on-seat';
    if (s === 'none' || s === 'onSeat') return 'idle';
    if (s === 'cancelling') return 'pending';
    return s === 'lostRace' ? 'lost-race' : s;
  }

  /** The phase as shown: a verdict stays VERDICT_SHOW_MS, and goes at once when an invitation arrives. */
  private shownPhase(): string {
    const phase = this.phase;
    const verdict = VERDICTS.includes(phase)
      ? `${phase}:${this.request.value.deadline}`
      : this.removed
        ? 'removed'
        : '';
    if (verdict !== this.lastVerdict) {
      this.lastVerdict = verdict;
      if (this.verdictTimer) clearTimeout(this.verdictTimer);
      this.verdictTimer = null;
      if (verdict) {
        this.verdictUntil = Date.now() + VERDICT_SHOW_MS;
        this.verdictTimer = setTimeout(() => this.requestUpdate(), VERDICT_SHOW_MS);
      }
    }
    if (!verdict) return phase;
    const fresh = Date.now() < this.verdictUntil && !this.room.value.invited;
    if (!fresh) {
      this.removed = false;
      return VERDICTS.includes(phase) ? 'idle' : phase;
    }
    return VERDICTS.includes(phase) ? phase : 'removed';
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.verdictTimer) clearTimeout(this.verdictTimer);
    this.verdictTimer = null;
    this.lastVerdict = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const removal = this.room.value.removedSeq;
    if (this.seenRemoval < 0) this.seenRemoval = removal;
    else if (removal !== this.seenRemoval) {
      this.seenRemoval = removal;
      if (removal) this.removed = true;
    }
    if (this.phase !== 'idle' && this.phase !== 'on-seat') this.removed = false;
    const phase = this.shownPhase();
    this.setStates({
      idle: ['idle', 'rejected', 'cancelled', 'timeout', 'failed', 'lost-race', 'removed'].includes(phase),
      sending: phase === 'sending',
      pending: phase === 'pending',
      preparing: phase === 'preparing',
      'on-seat': phase === 'on-seat',
      rejected: phase === 'rejected',
      timeout: phase === 'timeout',
      cancelled: phase === 'cancelled',
      'lost-race': phase === 'lost-race',
      failed: phase === 'failed',
    });
    this.hidden = !mayTakeGuestSeat(this.room.value.role);
    // "You are number 3": said when the position is first known and whenever it changes.
    const position = phase === 'pending' ? this.request.value.position : null;
    if (position !== this.lastPosition) {
      this.lastPosition = position;
      if (position !== null) this.announcement = this.t.queuePosition(position);
    }
  }

  private ask(): void {
    const media: MediaWanted = this.camera && this.room.value.allowCamera ? 'audio+camera' : 'audio';
    this.intent('seat-request', { seat: 'any', media });
  }

  private onClick = (): void => {
    const phase = this.phase;
    if (phase === 'on-seat') {
      if (!this.room.value.leaving) this.intent('seat-leave', { seat: this.room.value.mySeat });
    } else if (phase === 'pending') {
      if (this.request.value.state === 'pending') this.intent('seat-request-cancel', {});
    } else if (phase !== 'sending' && phase !== 'preparing') {
      this.ask();
    }
  };

  protected override render() {
    const t = this.t;
    const r = this.room.value;
    const req = this.request.value;
    const phase = this.shownPhase();
    const free = r.mode === 'free';
    let label: string;
    let primary = true;
    let busy = false;
    switch (phase) {
      case 'on-seat':
        label = t.leaveSeat;
        primary = false;
        busy = r.leaving;
        break;
      case 'sending':
        label = t.sending;
        busy = true;
        break;
      case 'pending':
        label = req.state === 'cancelling' ? t.cancelling : t.cancelRequest;
        primary = false;
        busy = req.state === 'cancelling';
        break;
      case 'preparing':
        label = req.state === 'rollingBack' ? t.rollingBack : t.preparing;
        busy = true;
        break;
      default:
        label = free ? t.takeASeat : t.requestToSpeak;
    }
    const disabled = !r.connected || busy;
    let status: unknown = nothing;
    let problem = false;
    if (phase === 'pending') {
      status = html`${req.position !== null ? html`<span part="position">${t.queuePosition(req.position)}</span> · ` : nothing}
        <span part="countdown">${t.timeLeft(this.duration(this.clock.left(req.deadline)))}</span>`;
    } else if (phase === 'rejected') {
      status = t.requestRejected(req.reason);
      problem = true;
    } else if (phase === 'cancelled') {
      status = t.requestCancelled;
    } else if (phase === 'removed') {
      status = t.notice['removed-from-seat'];
      problem = true;
    } else if (phase === 'timeout') {
      status = t.requestTimeout;
      problem = true;
    } else if (phase === 'failed') {
      status = t.requestFailed(errorText(t, req.error?.code ?? '', req.error?.message));
      problem = true;
    } else if (phase === 'lost-race') {
      const seat = typeof req.seat === 'number' ? req.seat + 1 : 0;
      const nearest = req.nearestFree;
      status = html`${t.seatJustTaken(seat, nearest === null ? null : nearest + 1)}
      ${
        nearest !== null
          ? html`<button part="retry" class="btn small primary" @click=${() => this.intent('seat-take', { seat: nearest })}>
            ${t.tryNearest(nearest + 1)}
          </button>`
          : nothing
      }`;
      problem = true;
    }
    return html`
      <div part="base">
        <div class="row">
          <button
            part="button"
            class="btn ${primary ? 'primary' : ''}"
            aria-disabled=${disabled ? 'true' : 'false'}
            aria-busy=${busy ? 'true' : 'false'}
            @click=${disabled ? null : this.onClick}
          >
            ${phase === 'on-seat' ? icons.x : phase === 'pending' ? icons.clock : icons.hand}
            ${steady(label, [t.takeASeat, t.requestToSpeak, t.sending, t.cancelRequest, t.cancelling, t.preparing, t.leaveSeat])}
          </button>
          ${
            r.allowCamera && (phase === 'idle' || problem || phase === 'cancelled')
              ? html`<label part="camera"
                ><input type="checkbox" .checked=${this.camera} @change=${(e: Event) => (this.camera = (e.target as HTMLInputElement).checked)} />
                ${icons.camera} ${t.withCamera}</label
              >`
              : nothing
          }
        </div>
        <div part="status" class=${problem ? 'problem' : ''}>${status}</div>
        <div class="sr-only" role="status" aria-live="polite">${this.announcement}</div>
      </div>
    `;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('cohost-request-button')) {
  customElements.define('cohost-request-button', CohostRequestButton);
}

declare global {
  interface HTMLElementTagNameMap {
    'cohost-request-button': CohostRequestButton;
  }
}

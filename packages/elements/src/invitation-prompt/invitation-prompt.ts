import type { Invitation, RoomError, RoomSnapshot } from '@micseat/core';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { oneOf } from '../attributes.js';
import { MicseatElement } from '../base/micseat-element.js';
import { RoomClockController } from '../controllers/clock.js';
import { SelectorController, shallowEqual } from '../controllers/selector.js';
import { errorText } from '../i18n/strings.js';
import { icons } from '../styles/icons.js';

type InvitationRef = RoomSnapshot['context']['invitations'][string];

interface InvitationView {
  readonly state: string;
  readonly invitation: Invitation | null;
  readonly error: RoomError | null;
}

/**
 * The invitee's side of an invitation: "Alice invites you to seat 3" with the time left, Join
 * or Not now; then joining / getting the mic ready / on the seat, or withdrawn, expired,
 * failed. Shows the newest invitation; hidden when there is none.
 *
 * @summary The invitation prompt for the invitee.
 * @fires invitation-accept - Before accepting. Cancelable. detail: `{ invitationId }`
 * @fires invitation-decline - Before declining. Cancelable. detail: `{ invitationId }`
 * @csspart base - The card.
 * @csspart icon - The icon.
 * @csspart message - "X invites you to seat N".
 * @csspart countdown - The time left.
 * @csspart accept - The Join button.
 * @csspart decline - The Not now button.
 * @csspart close - The Close button under a withdrawn, expired or failed invitation.
 * @csspart status - The outcome line (a polite live region: withdrawn, expired, joining… are announced).
 * @cssstate pending - Waiting for your answer.
 * @cssstate preparing - Accepted; opening the mic.
 * @cssstate closed - Withdrawn, expired or failed (message shown until dismissed).
 * @cssproperty --micseat-overlay-offset - With `placement="overlay"`: distance from the room's bottom edge (default 12px).
 */
export class InvitationPrompt extends MicseatElement {
  static override styles = [
    ...MicseatElement.styles,
    css`
      :host {
        display: block;
      }
      /* An invitation arrives unasked: as an overlay it pushes nothing on the page around. */
      :host([placement='overlay']) {
        position: absolute;
        inset-inline: 12px;
        inset-block-end: var(--micseat-overlay-offset, 12px);
        z-index: 6;
        display: flex;
        justify-content: center;
        pointer-events: none;
      }
      :host([placement='overlay'][hidden]) {
        display: none;
      }
      :host([placement='overlay']) [part~='base'] {
        pointer-events: auto;
        width: min(100%, 460px);
      }
      [part~='base'] {
        display: grid;
        grid-template-columns: auto 1fr;
        gap: 6px 12px;
        align-items: center;
        padding: 12px 14px;
        border-radius: var(--_radius);
        background: var(--_accent-soft);
        border: 1px solid var(--_accent);
        box-shadow: var(--_shadow);
      }
      [part~='icon'] {
        grid-row: span 2;
        font-size: 28px;
        color: var(--_accent);
        display: grid;
      }
      [part~='message'] {
        font-weight: 600;
      }
      [part~='countdown'] {
        color: var(--_ink-2);
        font-variant-numeric: tabular-nums;
        font-weight: 400;
      }
      .actions {
        grid-column: 2;
        display: flex;
        flex-wrap: wrap;
        gap: 8px;
        min-height: 36px;
        align-items: center;
      }
      [part~='status'] {
        color: var(--_ink-2);
      }
    `,
  ];

  private readonly room = this.selectRoom(
    (s) => {
      let newest: InvitationRef | null = null;
      let at = -1;
      for (const ref of Object.values(s.context.invitations)) {
        const created = ref.getSnapshot().context.invitation.createdAt;
        if (created > at) {
          at = created;
          newest = ref;
        }
      }
      return { ref: newest, members: s.context.room?.members ?? {} };
    },
    { ref: null as InvitationRef | null, members: {} as Record<string, { name: string }> },
    shallowEqual,
  );
  private readonly invitation = new SelectorController<InvitationRef, InvitationView>(
    this,
    () => this.room.value.ref,
    (s) => ({ state: String(s.value), invitation: s.context.invitation, error: s.context.error }),
    { state: 'none', invitation: null, error: null },
    shallowEqual,
  );
  private readonly clock = new RoomClockController(
    this,
    () => this.actor,
    () => this.invitation.value.state === 'pending',
  );

  static override attributeRules = {
    ...MicseatElement.attributeRules,
    placement: oneOf('placement', ['overlay', 'inline'], 'overlay'),
  };

  /**
   * `overlay` (default): floats over the bottom of the enclosing `<micseat-room>` when an invitation
   * arrives, so nothing on the page moves; `inline`: takes its place in the flow where it is put.
   */
  @property({ reflect: true }) placement: 'overlay' | 'inline' = 'overlay';

  @state() private dismissed: InvitationRef | null = null;

  private get visible(): boolean {
    const s = this.invitation.value.state;
    return s !== 'none' && s !== 'declined' && s !== 'onSeat' && this.dismissed !== this.room.value.ref;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const s = this.invitation.value.state;
    this.hidden = !this.visible;
    this.setStates({
      pending: s === 'pending',
      preparing: s === 'accepting' || s === 'preparing' || s === 'rollingBack',
      closed: s === 'cancelled' || s === 'timeout' || s === 'failed',
    });
  }

  protected override render() {
    if (!this.visible) return nothing;
    const t = this.t;
    const { state: s, invitation, error } = this.invitation.value;
    if (!invitation) return nothing;
    const from = this.room.value.members[invitation.from]?.name ?? invitation.from;
    const seat = typeof invitation.seat === 'number' ? invitation.seat + 1 : null;
    const id = invitation.id;
    let text = '';
    if (s !== 'pending') {
      const key = s as keyof typeof t.invitationStatus;
      text =
        s === 'failed' && error
          ? `${t.invitationStatus.failed}${t.labelSep}${errorText(t, error.code, error.message)}`
          : (t.invitationStatus[key] ?? s);
    }
    const closed = s === 'cancelled' || s === 'timeout' || s === 'failed';
    // The status line is a polite live region that stays in the DOM from the moment the
    // invitation shows, so "withdrawn", "expired", "joining…" are announced when they appear.
    return html`<div part="base" role="group" aria-label=${t.invitation}>
      <span part="icon" aria-hidden="true">${icons.hand}</span>
      <span part="message">${t.invitedBy(from, seat)}</span>
      <span class="actions">
        ${
          s === 'pending'
            ? html`<span part="countdown">${t.timeLeft(this.duration(this.clock.left(invitation.deadline)))}</span>
              <button part="accept" class="btn primary" @click=${() => this.intent('invitation-accept', { invitationId: id })}>
                ${t.acceptInvitation}
              </button>
              <button part="decline" class="btn" @click=${() => this.intent('invitation-decline', { invitationId: id })}>
                ${t.declineInvitation}
              </button>`
            : nothing
        }
        <span part="status" role="status" aria-live="polite" class=${text ? '' : 'sr-only'}>${text}</span>
        ${closed ? html`<button part="close" class="btn small" @click=${() => (this.dismissed = this.room.value.ref)}>${t.close}</button>` : nothing}
      </span>
    </div>`;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('invitation-prompt')) {
  customElements.define('invitation-prompt', InvitationPrompt);
}

declare global {
  interface HTMLElementTagNameMap {
    'invitation-prompt': InvitationPrompt;
  }
}

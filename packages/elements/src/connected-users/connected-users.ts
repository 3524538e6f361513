import type { Invitation, Member, MemberRole, RoomEvent, Seat } from '@micseat/core';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { wholeNumber } from '../attributes.js';
import { MicseatElement } from '../base/micseat-element.js';
import { shallowEqual } from '../controllers/selector.js';
import { hueOf, initials } from '../i18n/format.js';
import { icons } from '../styles/icons.js';
import { MenuController, menuStyles, type MenuEntry } from '../controllers/menu.js';
import { personMenu } from '../offers.js';
import { personStyles } from '../styles/person.js';

interface Activity {
  readonly id: number;
  readonly text: string;
  readonly kind: 'joined' | 'left' | 'seated' | 'unseated';
}

interface PeopleView {
  readonly members: Readonly<Record<string, Member>>;
  readonly seats: readonly Seat[];
  readonly invitations: Readonly<Record<string, Invitation>>;
  readonly me: string;
  readonly role: MemberRole | null;
  readonly events: readonly RoomEvent[];
}

const EMPTY: PeopleView = { members: {}, seats: [], invitations: {}, me: '', role: null, events: [] };

/**
 * Who is here: the people on seats (with their seat and mic), the listeners, and a short log of
 * who joined, left, took or left a seat since you opened the room. Moderators can invite a
 * listener to speak, withdraw an invitation, or remove someone from the room; the host can also
 * make someone a co-host (a moderator) or take that back.
 *
 * @summary Connected users, with joins and leaves.
 * @fires seat-invite - Before inviting a listener to any seat. Cancelable. detail: `{ seat: 'any', userId }`
 * @fires invitation-cancel - Before withdrawing an invitation. Cancelable. detail: `{ invitationId }`
 * @fires member-remove - Before removing someone from the room. Cancelable. detail: `{ userId }`
 * @fires cohost-change - Before the host makes someone a co-host or takes it back. Cancelable. detail: `{ userId, cohost }`
 * @csspart base - The panel.
 * @csspart section - "On seats" and "Listening".
 * @csspart heading - Section headings.
 * @csspart person - One person.
 * @csspart avatar - Their initials.
 * @csspart name - Their name.
 * @csspart meta - Seat, role, mic or offline.
 * @csspart actions - A person's one actions button (moderators): opens their menu.
 * @csspart menu - That person's actions menu.
 * @csspart menu-item - Each item of the menu; the items are also named `invite`, `cancel`, `cohost`, `remove`.
 * @csspart invite - "Invite to speak" in the menu (moderators).
 * @csspart remove - "Remove from the room" in the menu (moderators).
 * @csspart cohost - "Make co-host" / "Remove co-host" in the menu (the host only).
 * @csspart cancel - "Cancel invitation" in the menu (moderators).
 * @csspart activity - The joined / left log.
 * @csspart more - "and N more" when a section is longer than `max-listed`.
 * @csspart nobody - The "Nobody yet" placeholder of an empty section.
 * @cssstate empty - Nobody is connected.
 */
export class ConnectedUsers extends MicseatElement {
  static override styles = [
    ...MicseatElement.styles,
    personStyles,
    menuStyles,
    css`
      :host {
        display: block;
      }
      [part~='base'] {
        border-radius: var(--_radius);
        border: 1px solid var(--_line);
        background: var(--_surface);
        padding: 10px 12px;
        display: grid;
        gap: 10px;
      }
      [part~='heading'] {
        margin: 0 0 4px;
        font-size: 0.86em;
        font-weight: 700;
        color: var(--_ink-2);
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 4px;
      }
      [part~='person'] {
        --_avatar-size: 30px;
        display: grid;
        grid-template-columns: 30px minmax(0, 1fr) auto;
        position: relative;
        align-items: center;
        gap: 8px;
        min-height: 36px;
      }
      .offline {
        opacity: 0.6;
      }
      /* The line under the name wraps rather than hides a state ("pending", "offline"). */
      [part~='meta'] {
        overflow-wrap: anywhere;
      }
      [part~='actions'] {
        width: 32px;
        padding: 0;
      }

      [part~='activity'] {
        color: var(--_ink-2);
        font-size: 0.86em;
        border-block-start: 1px solid var(--_line);
        padding-block-start: 8px;
      }
      .joined::before,
      .seated::before {
        content: '+ ' / '';
        color: var(--_speaking);
      }
      .left::before,
      .unseated::before {
        content: '− ' / '';
        color: var(--_danger);
      }
      .none {
        color: var(--_ink-2);
      }
    `,
  ];

  private readonly room = this.selectRoom<PeopleView>(
    (s) => {
      const room = s.context.room;
      if (!room) return EMPTY;
      return {
        members: room.members,
        seats: room.seats,
        invitations: room.invitations,
        me: s.context.identity,
        role: room.members[s.context.identity]?.role ?? null,
        events: s.context.lastEvents,
      };
    },
    EMPTY,
    shallowEqual,
  );

  @state() private log: Activity[] = [];
  /** Whose actions menu is open (one per list), and the menu itself. */
  private menuFor: string | null = null;
  private readonly menu = new MenuController<'main'>(this, () =>
    this.menuFor
      ? this.renderRoot.querySelector<HTMLElement>(`[part~="actions"][data-user="${CSS.escape(this.menuFor)}"]`)
      : null,
  );
  private prev: PeopleView | null = null;
  private nextId = 1;

  static override attributeRules = {
    ...MicseatElement.attributeRules,
    maxListed: wholeNumber('max-listed', 1, 10_000, 50),
    activitySize: wholeNumber('activity-size', 0, 100, 6),
  };

  /** How many people to list per section before "and N more" (default 50; large rooms stay light). */
  @property({ type: Number, attribute: 'max-listed' }) maxListed = 50;

  /** How many activity lines to keep (default 6). */
  @property({ type: Number, attribute: 'activity-size' }) activitySize = 6;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const now = this.room.value;
    const prev = this.prev;
    if (prev && now !== prev && prev.members !== EMPTY.members) {
      const t = this.t;
      const add: Activity[] = [];
      const connected = (v: PeopleView, id: string) => !!v.members[id]?.connected;
      for (const id of Object.keys(now.members)) {
        if (connected(now, id) && !connected(prev, id))
          add.push({ id: this.nextId++, kind: 'joined', text: t.joined(now.members[id]!.name) });
      }
      for (const id of Object.keys(prev.members)) {
        if (connected(prev, id) && !connected(now, id))
          add.push({ id: this.nextId++, kind: 'left', text: t.left(prev.members[id]!.name) });
      }
      if (now.seats !== prev.seats) {
        now.seats.forEach((s, i) => {
          const before = prev.seats[i]?.userId ?? null;
          if (s.userId === before) return;
          if (before) {
            const who = prev.members[before]?.name ?? before;
            const removed = now.events.some(
              (e) => e.type === 'seat-left' && e.userId === before && e.reason === 'terminated',
            );
            add.push({
              id: this.nextId++,
              kind: 'unseated',
              text: removed ? t.removedFromSeatLog(who, i + 1) : t.leftSeat(who, i + 1),
            });
          }
          if (s.userId)
            add.push({
              id: this.nextId++,
              kind: 'seated',
              text: t.tookSeat(now.members[s.userId]?.name ?? s.userId, i + 1),
            });
        });
      }
      if (add.length) this.log = [...add.reverse(), ...this.log].slice(0, this.activitySize);
    }
    if (now.members !== EMPTY.members) this.prev = now;
    this.setStates({ empty: Object.values(now.members).every((m) => !m.connected) });
  }

  private person(m: Member, seat: number | null) {
    const t = this.t;
    const v = this.room.value;
    const pending = Object.values(v.invitations).find((i) => i.status === 'pending' && i.userId === m.id);
    const meta = [
      m.role === 'host' ? t.hostBadge : m.role === 'cohost' ? t.cohostBadge : '',
      seat !== null ? t.seatN(seat + 1) : '',
      seat !== null || m.role === 'host' ? t.mic[m.mic] : '',
      pending ? t.statusWord.pending : '',
      m.connected ? '' : t.offline,
    ]
      .filter(Boolean)
      .join(' · ');
    const entries: MenuEntry<'main'>[] = [];
    const offers = personMenu({
      myRole: v.role,
      role: m.role,
      connected: m.connected,
      seated: seat !== null,
      invitationId: pending?.id ?? null,
    });
    for (const offer of offers) {
      if (offer === 'invite')
        entries.push({
          label: t.invite,
          ariaLabel: t.inviteNamed(m.name),
          part: 'invite',
          run: () => this.intent('seat-invite', { seat: 'any', userId: m.id }),
        });
      else if (offer === 'cancel-invitation')
        entries.push({
          label: t.cancelInvitation,
          part: 'cancel',
          run: () => this.intent('invitation-cancel', { invitationId: pending!.id }),
        });
      else if (offer === 'make-cohost' || offer === 'remove-cohost') {
        const cohost = offer === 'make-cohost';
        entries.push({
          label: cohost ? t.makeCohost : t.removeCohost,
          ariaLabel: cohost ? t.makeCohostNamed(m.name) : t.removeCohostNamed(m.name),
          part: 'cohost',
          run: () => this.intent('cohost-change', { userId: m.id, cohost }),
        });
      } else
        entries.push({
          label: t.removeFromRoom(m.name),
          part: 'remove',
          danger: true,
          run: () => this.intent('member-remove', { userId: m.id }),
        });
    }
    const open = this.menuFor === m.id && this.menu.panel !== null;
    return html`<li part="person" class=${m.connected ? '' : 'offline'}>
      <span part="avatar" aria-hidden="true" style=${styleMap({ '--_hue': String(hueOf(m.id)) })}>${initials(m.name)}</span>
      <span class="who">
        <span part="name">${m.id === v.me ? t.withYou(m.name) : m.name}</span>
        <span part="meta" data-state-text>${meta}</span>
      </span>
      ${
        entries.length
          ? html`<button part="actions" class="btn small" data-user=${m.id} aria-haspopup="menu" aria-expanded=${String(open)}
            aria-label=${t.personActions(m.name)} @click=${() => this.openMenu(m.id)}>${icons.more}</button>`
          : nothing
      }
      ${open ? this.menu.render(t.personActions(m.name), entries, 'main') : nothing}
    </li>`;
  }

  private openMenu(userId: string): void {
    this.menuFor = userId;
    this.menu.open('main');
  }

  protected override render() {
    const t = this.t;
    const v = this.room.value;
    const seatOf = new Map<string, number>();
    for (const s of v.seats) if (s.userId) seatOf.set(s.userId, s.index);
    const all = Object.values(v.members).sort((a, b) => a.joinedAt - b.joinedAt);
    const speakers = all.filter((m) => m.role === 'host' || seatOf.has(m.id));
    const listeners = all.filter((m) => m.role !== 'host' && !seatOf.has(m.id));
    const list = (people: Member[]) =>
      people.length
        ? html`<ul>
            ${repeat(
              people.slice(0, this.maxListed),
              (m) => m.id,
              (m) => this.person(m, seatOf.get(m.id) ?? null),
            )}
            ${people.length > this.maxListed ? html`<li class="none" part="more">${t.andMore(people.length - this.maxListed)}</li>` : nothing}
          </ul>`
        : html`<p class="none" part="nobody">${t.nobodyHere}</p>`;
    return html`<div part="base" role="group" aria-label=${t.connectedUsers}>
      <div part="section">
        <h3 part="heading">${t.withCount(t.onSeats, speakers.length)}</h3>
        ${list(speakers)}
      </div>
      <div part="section">
        <h3 part="heading">${t.withCount(t.listening, listeners.length)}</h3>
        ${list(listeners)}
      </div>
      ${
        this.log.length
          ? html`<div part="activity">
            <h3 part="heading">${t.activity}</h3>
            <ul>
              ${repeat(
                this.log,
                (a) => a.id,
                (a) => html`<li class=${a.kind}>${a.text}</li>`,
              )}
            </ul>
          </div>`
          : nothing
      }
    </div>`;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('connected-users')) {
  customElements.define('connected-users', ConnectedUsers);
}

declare global {
  interface HTMLElementTagNameMap {
    'connected-users': ConnectedUsers;
  }
}

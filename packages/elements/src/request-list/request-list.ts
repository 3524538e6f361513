import type { LitVirtualizer } from '@lit-labs/virtualizer/LitVirtualizer.js';
import {
  inboxItems,
  mayAnswerRequests,
  type InboxItem,
  type MemberRole,
  type RoomSnapshot,
  type SeatRequest,
} from '@micseat/core';
import { html, nothing, type PropertyValues } from 'lit';
import { query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { styleMap } from 'lit/directives/style-map.js';
import { MicseatElement } from '../base/micseat-element.js';
import { SelectorController, shallowEqual } from '../controllers/selector.js';
import { hueOf, initials } from '../i18n/format.js';
import { icons } from '../styles/icons.js';
import { personStyles } from '../styles/person.js';
import { listStyles } from './request-list.styles.js';

type InboxRef = NonNullable<RoomSnapshot['context']['inbox']>;

interface InboxView {
  readonly items: readonly InboxItem[];
  readonly recent: readonly SeatRequest[];
  readonly members: Readonly<Record<string, { name: string }>>;
  readonly busyAll: boolean;
}

const EMPTY: InboxView = { items: [], recent: [], members: {}, busyAll: false };

/**
 * A queue this long or longer is virtualized; a shorter one is plain rows. The virtualizer
 * (~9 kB gzip) is imported the first time a queue gets this long, so pages that never see a
 * long queue never download it; meanwhile the first rows show plainly.
 */
export const VIRTUALIZE_FROM = 50;
let virtualizer: Promise<void> | null = null;
let virtualizerState: 'absent' | 'ready' | 'failed' = 'absent';
const loadVirtualizer = (): Promise<void> =>
  (virtualizer ??= import('@lit-labs/virtualizer').then(
    () => void (virtualizerState = 'ready'),
    (e: unknown) => {
      virtualizerState = 'failed'; // every row rendered plainly: slower with thousands, nothing lost
      console.warn('micseat: the virtualizer could not be loaded; <request-list> renders every row.', e);
    },
  ));

/**
 * The host's live queue, first come first served: position, name, waiting time and time left
 * of every pending request (virtualized: smooth with 10,000), accept or reject each, accept the
 * next, accept all, reject all; "accepted by X" for requests another moderator handled; a count
 * badge and a polite live region. Only the host and co-hosts see it. Arrow keys move between
 * rows (keeping the column), Tab moves within a row.
 *
 * @summary The moderator's request queue.
 * @fires request-accept - Before accepting one request. Cancelable. detail: `{ requestId }`
 * @fires request-reject - Before rejecting one request. Cancelable. detail: `{ requestId }`
 * @fires request-accept-next - Before accepting the first in line. Cancelable.
 * @fires request-accept-all - Before accepting everyone (as far as seats go). Cancelable.
 * @fires request-reject-all - Before rejecting everyone. Cancelable.
 * @csspart base - The panel.
 * @csspart header - Title, badge and bulk actions.
 * @csspart title - The heading.
 * @csspart count - The count badge.
 * @csspart actions - The bulk action buttons.
 * @csspart accept-next - The "accept next" button.
 * @csspart accept-all - The "accept all" button.
 * @csspart reject-all - The "reject all" button.
 * @csspart list - The list of requests (virtualized from VIRTUALIZE_FROM rows on).
 * @csspart row - One request.
 * @csspart position - Its place in the queue.
 * @csspart avatar - The requester's initials.
 * @csspart name - The requester's name.
 * @csspart meta - Wanted seat, media, waiting time, time left.
 * @csspart time-left - The time left.
 * @csspart accept - A row's accept button.
 * @csspart reject - A row's reject button.
 * @csspart empty - The "no requests" placeholder.
 * @csspart recent - Recently handled requests ("accepted by X").
 * @cssproperty --micseat-request-list-height - Height of the list (default 360px).
 * @cssproperty --micseat-request-row-height - Height of one row (default 60px).
 * @cssstate empty - Nobody is waiting.
 * @cssstate has-requests - Someone is waiting.
 */
export class RequestList extends MicseatElement {
  static override styles = [...MicseatElement.styles, personStyles, listStyles];

  private readonly room = this.selectRoom(
    (s) => ({
      inbox: s.context.inbox,
      role: s.context.room?.members[s.context.identity]?.role ?? null,
      me: s.context.identity,
    }),
    { inbox: null as InboxRef | null, role: null as MemberRole | null, me: '' },
    shallowEqual,
  );
  private readonly inbox = new SelectorController<InboxRef, InboxView>(
    this,
    () => this.room.value.inbox,
    (s) => ({
      items: inboxItems(s.context),
      recent: s.context.recent,
      members: s.context.members,
      busyAll: !!s.context.busy['*'],
    }),
    EMPTY,
    (a, b) =>
      a.recent === b.recent && a.members === b.members && a.busyAll === b.busyAll && sameItems(a.items, b.items),
  );

  @query('lit-virtualizer') private virtualizer?: LitVirtualizer<InboxItem>;
  @state() private announcement = '';
  private lastCount = -1;
  /** Where focus goes once an accepted/rejected row leaves the list (keyboard users keep their place). */
  private refocus: { index: number; part: string; count: number } | null = null;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const role = this.room.value.role;
    this.hidden = !mayAnswerRequests(role);
    const count = this.inbox.value.items.length;
    this.setStates({ empty: count === 0, 'has-requests': count > 0 });
    if (count >= VIRTUALIZE_FROM && virtualizerState === 'absent')
      void loadVirtualizer().then(() => this.requestUpdate());
    if (count !== this.lastCount) {
      if (this.lastCount >= 0) this.announcement = count ? this.t.requestCount(count) : this.t.noRequests;
      this.lastCount = count;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    const r = this.refocus;
    const count = this.inbox.value.items.length;
    if (r && count !== r.count) {
      this.refocus = null;
      if (count === 0) this.renderRoot.querySelector<HTMLElement>('[part~="accept-next"]')?.focus();
      else void this.focusRow(Math.min(r.index, count - 1), r.part);
    }
  }

  /** Acts on a row; if the row had focus, focus moves to the row that takes its place. */
  private act(e: Event, index: number, part: 'accept' | 'reject', run: () => boolean): void {
    const hadFocus = this.shadowRoot?.activeElement === e.currentTarget;
    if (run() && hadFocus) this.refocus = { index, part, count: this.inbox.value.items.length };
  }

  private name(userId: string): string {
    return this.inbox.value.members[userId]?.name ?? userId;
  }

  private onRowKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp' && e.key !== 'Home' && e.key !== 'End') return;
    const target = e.target as HTMLElement;
    const row = target.closest<HTMLElement>('[part~="row"]');
    if (!row) return;
    e.preventDefault();
    const count = this.inbox.value.items.length;
    const from = Number(row.dataset.index);
    const to =
      e.key === 'Home'
        ? 0
        : e.key === 'End'
          ? count - 1
          : Math.max(0, Math.min(count - 1, from + (e.key === 'ArrowDown' ? 1 : -1)));
    const which = target.getAttribute('part') ?? 'accept';
    void this.focusRow(to, which);
  };

  /** Scrolls row `index` into view and focuses its `part` button. */
  async focusRow(index: number, part = 'accept'): Promise<void> {
    const item = this.inbox.value.items[index];
    if (!item) return;
    // Rows are keyed by request id; indexes move as the queue changes, ids do not.
    const find = () =>
      this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(item.request.id)}"] [part~="${part}"]`);
    let el = find();
    let scrolled = false;
    for (let i = 0; i < 20 && !el; i++) {
      // A virtualized row out of view is not in the DOM until scrolled to (the virtualizer may still be arriving).
      if (!scrolled && this.virtualizer) {
        this.virtualizer.element(index)?.scrollIntoView({ block: 'nearest' });
        scrolled = true;
      }
      await new Promise((r) => requestAnimationFrame(r));
      el = find();
    }
    el?.scrollIntoView({ block: 'nearest' });
    el?.focus();
  }

  private renderRow = (item: InboxItem, index: number) => {
    const t = this.t;
    const r = item.request;
    const name = this.name(r.userId);
    const wanted = r.seat === 'any' ? t.anySeat : t.wantsSeat(r.seat + 1);
    const media = r.media === 'audio+camera' ? ` · ${t.withCameraShort}` : '';
    const soon = item.leftMs < 10_000;
    const count = this.inbox.value.items.length;
    return html`<div part="row" role="listitem" aria-setsize=${count} aria-posinset=${index + 1} data-index=${index} data-id=${r.id} @keydown=${this.onRowKeydown}>
      <span part="position">${item.position}</span>
      <span part="avatar" aria-hidden="true" style=${styleMap({ '--_hue': String(hueOf(r.userId)) })}>${initials(name)}</span>
      <span class="who">
        <span part="name">${name}</span>
        <span part="meta"
          ><span data-state-text>${wanted}${media}</span><span class="sep"> · </span><span class="waiting" data-state-text
            >${t.waiting(this.duration(item.ageMs))}</span
          ><span class="sep waiting"> · </span><span part="time-left" class=${soon ? 'soon' : ''} data-state-text
            >${t.timeLeft(this.duration(item.leftMs))}</span
          ></span
        >
      </span>
      <span class="row-actions">
        <button
          part="accept"
          class="btn small primary"
          aria-label=${t.acceptNamed(name)}
          aria-disabled=${item.busy ? 'true' : 'false'}
          @click=${(e: Event) =>
            !item.busy && this.act(e, index, 'accept', () => this.intent('request-accept', { requestId: r.id }))}
        >
          ${icons.check}<span class="label">${t.accept}</span>
        </button>
        <button
          part="reject"
          class="btn small"
          aria-label=${t.rejectNamed(name)}
          aria-disabled=${item.busy ? 'true' : 'false'}
          @click=${(e: Event) =>
            !item.busy && this.act(e, index, 'reject', () => this.intent('request-reject', { requestId: r.id }))}
        >
          ${icons.x}<span class="label">${t.reject}</span>
        </button>
      </span>
    </div>`;
  };

  protected override render() {
    const t = this.t;
    const { items, recent, busyAll } = this.inbox.value;
    const me = this.room.value.me;
    const count = items.length;
    const handled = recent.filter(
      (r) => r.handledBy && r.handledBy !== 'auto' && r.handledBy !== me && r.status !== 'pending',
    );
    return html`
      <div part="base" role="group" aria-labelledby="title">
        <div part="header">
          <h2 part="title" id="title">${t.requests} <span part="count" class="badge" aria-hidden="true">${count}</span></h2>
          <span class="sr-only">${t.requestCount(count)}</span>
          <div part="actions">
            <button part="accept-next" class="btn small primary" aria-disabled=${count === 0 || busyAll ? 'true' : 'false'}
              @click=${() => count && !busyAll && this.intent('request-accept-next', {})}>${t.acceptNext}</button>
            <button part="accept-all" class="btn small" aria-disabled=${count === 0 || busyAll ? 'true' : 'false'}
              @click=${() => count && !busyAll && this.intent('request-accept-all', {})}>${t.acceptAll}</button>
            <button part="reject-all" class="btn small danger" aria-disabled=${count === 0 || busyAll ? 'true' : 'false'}
              @click=${() => count && !busyAll && this.intent('request-reject-all', {})}>${t.rejectAll}</button>
          </div>
        </div>
        <div class="body">
        ${
          count === 0
            ? html`<div part="empty">${t.noRequests}</div>`
            : count < VIRTUALIZE_FROM || virtualizerState !== 'ready'
              ? html`<div part="list" role="list" aria-label=${t.requests}>
                ${repeat(
                  count < VIRTUALIZE_FROM || virtualizerState === 'failed' ? items : items.slice(0, VIRTUALIZE_FROM),
                  (item) => item.request.id,
                  this.renderRow,
                )}
              </div>`
              : html`<lit-virtualizer
              part="list"
              role="list"
              aria-label=${t.requests}
              scroller
              .items=${items as InboxItem[]}
              .keyFunction=${(item: InboxItem) => item.request.id}
              .renderItem=${this.renderRow}
            ></lit-virtualizer>`
        }
        ${
          handled.length
            ? html`<ul part="recent" aria-label=${t.recentlyHandled}>
              ${handled
                .slice(0, 5)
                .map(
                  (r) =>
                    html`<li>${this.name(r.userId)}${t.labelSep}${t.handledBy(this.name(r.handledBy!), t.statusWord[r.status])}</li>`,
                )}
            </ul>`
            : nothing
        }
        </div>
        <div class="sr-only" role="status" aria-live="polite">${this.announcement}</div>
      </div>
    `;
  }
}

function sameItems(a: readonly InboxItem[], b: readonly InboxItem[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (
      x.request !== y.request ||
      x.busy !== y.busy ||
      Math.ceil(x.leftMs / 1000) !== Math.ceil(y.leftMs / 1000) ||
      Math.ceil(x.ageMs / 1000) !== Math.ceil(y.ageMs / 1000)
    )
      return false;
  }
  return true;
}

if (typeof customElements !== 'undefined' && !customElements.get('request-list')) {
  customElements.define('request-list', RequestList);
}

declare global {
  interface HTMLElementTagNameMap {
    'request-list': RequestList;
  }
}

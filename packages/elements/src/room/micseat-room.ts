import { ContextProvider, ContextRoot } from '@lit/context';
import { isHostAway, LIMITS, roomMachine, type RoomActor, type RoomBackend, type RoomSnapshot } from '@micseat/core';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { createActor } from 'xstate';
import {
  avatarUrl,
  checkAttributes,
  languageTag,
  text,
  themeRule,
  wireAvatar,
  type AttributeRules,
  type AvatarProblem,
} from '../attributes.js';
import { localeContext, roomContext, type LocaleInfo } from '../context.js';
import { SelectorController } from '../controllers/selector.js';
import { trackRoomClock } from '../controllers/clock.js';
import { errorText, stringsFor, stringsLoading, type Strings } from '../i18n/strings.js';
import { controlStyles, themeStyles } from '../styles/theme.js';
import { roomStyles } from './micseat-room.styles.js';

/** The room elements whose actor runs on each backend: the last one to stop disconnects it. */
const roomsUsing = new WeakMap<RoomBackend, Set<MicseatRoom>>();

/**
 * The room provider. Give it a `backend` (any RoomBackend: memory, LiveKit) and a `name`; it
 * creates one room actor, connects, and shares the actor and the locale with every micseat
 * element inside it through @lit/context. It also announces lifecycle changes ("request
 * accepted", "you were removed from the seat") in a polite live region, and shows the
 * connection state when it is not "connected".
 *
 * Removed from the page (not just moved), it stops its actor and disconnects the backend: the
 * room element connected it, so it releases it, whether the page or `demo-room` made the backend
 * (unless another room element still runs on that backend). Put back, it connects again.
 *
 * @summary Creates the room actor for a backend and shares it with the elements inside.
 * @slot - The room's UI: any micseat elements, in any layout.
 * @fires attribute-error - `name`, `avatar`, `lang` or `theme` held a value it cannot use; the last good value is kept. detail: `{ code: 'invalid-attribute', attribute, value, expected, message }`
 * @csspart default-layout - What a room with no content of its own shows: grid, request button, mic, mode, request list (each tag that is registered).
 * @csspart connection - The banner shown while connecting, reconnecting or disconnected.
 * @csspart host-away - The banner shown while the room's host is away (the room carries on; the change is announced).
 * @csspart announcer - The visually hidden polite live region.
 * @csspart error - The last refused action, in words, with a close button (it is also announced).
 * @csspart error-close - The error's Close button.
 * @csspart attribute-error - Why the `avatar` given was not used (the member joined without a picture).
 * @cssproperty --micseat-color-scheme - `light`, `dark` or `light dark` (set by the `theme` attribute).
 * @cssproperty --micseat-room-background - The room's background (default: the theme's surface; `transparent` to blend in).
 * @cssproperty --micseat-accent - Accent colour (buttons, badges, focus). All `--micseat-*` knobs are listed in the README.
 * @cssstate connected - The room actor is connected.
 * @cssstate reconnecting - The transport is reconnecting.
 * @cssstate ended - The room has ended.
 * @cssstate host-away - The room's host is away (not connected); the room carries on.
 */
export class MicseatRoom extends LitElement {
  static override styles = [themeStyles, controlStyles, roomStyles];

  private readonly roomProvider = new ContextProvider(this, { context: roomContext });
  private readonly localeProvider = new ContextProvider(this, { context: localeContext });
  private readonly status = new SelectorController<RoomActor, string>(
    this,
    () => this.actor,
    (s) => String(s.value),
    'idle',
  );
  private readonly notice = new SelectorController<RoomActor, RoomSnapshot['context']['notice']>(
    this,
    () => this.actor,
    (s) => s.context.notice,
    null,
  );
  private readonly hostAway = new SelectorController<RoomActor, boolean>(
    this,
    () => this.actor,
    (s) => s.value === 'connected' && !!s.context.room && isHostAway(s.context.room),
    false,
  );
  private readonly error = new SelectorController<RoomActor, RoomSnapshot['context']['error']>(
    this,
    () => this.actor,
    (s) => s.context.error,
    null,
  );
  private internals: ElementInternals;
  private langObserver: MutationObserver | null = null;
  private lastNotice = 0;

  @state() private announcement = '';
  /** Why this room could not be set up (a refused `demo-*` attribute), shown in the room. */
  @state() private refusal = '';
  /** Why the `avatar` given could not be used (the member joins without one), shown in the room. */
  @state() private avatarProblem: AvatarProblem | null = null;
  private keptAvatar: string | undefined;
  /** Nothing slotted: the room shows a default layout instead of nothing. */
  @state() private bare = false;
  @state() private docLang = '';

  /** The backend to join with. Changing it replaces the room actor. */
  @property({ attribute: false }) backend?: RoomBackend;
  /** Display name to join with. */
  @property() name = '';
  /** Avatar URL to join with. */
  @property() avatar?: string;
  /** Language of every element inside (BCP 47, e.g. `en`, `zh-CN`); defaults to the document's. */
  @property() override lang!: string;
  /** `light`, `dark` or `auto` (default: follow the system). */
  @property({ reflect: true }) theme?: 'light' | 'dark' | 'auto';

  /** The room actor (read its snapshot, or send it intents yourself). */
  actor?: RoomActor;
  /** The backend `actor` was made for: the same backend is never joined twice. */
  private actorBackend?: RoomBackend;

  constructor() {
    super();
    this.internals = this.attachInternals();
  }

  get locale(): string {
    const near = this.parentElement?.closest('[lang]')?.getAttribute('lang');
    return this.lang || near || this.docLang || 'en';
  }

  get strings(): Strings {
    return stringsFor(this.locale);
  }

  /** A language whose strings are fetched on demand (`zh`): the room and its elements render once they are here. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loading = stringsLoading(this.locale);
    if (!loading) return super.scheduleUpdate();
    return loading.then(() => {
      this.localeProvider.setValue({ locale: this.locale, strings: this.strings });
      super.scheduleUpdate();
    });
  }

  /** Refusals of this room's own set-up attributes (`demo-room`…) are shown, not only logged. */
  private onAttributeError = (e: Event): void => {
    const d = (e as CustomEvent<{ attribute?: string; message?: string; problem?: AvatarProblem }>).detail;
    if (e.target !== this) return;
    if (d?.attribute?.startsWith('demo-')) this.refusal = d.message ?? '';
    if (d?.attribute === 'avatar') {
      // Said where people look (and heard), not only in the console: they would join faceless.
      this.avatarProblem = d.problem ?? 'malformed';
      this.announce(this.strings.avatarRefused(this.avatarProblem));
    }
  };

  private onSlotChange = (e: Event): void => {
    const slot = e.target as HTMLSlotElement;
    this.bare = slot.assignedNodes().every((n) => n.nodeType !== Node.ELEMENT_NODE && !n.textContent?.trim());
  };

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('attribute-error', this.onAttributeError);
    if (typeof document !== 'undefined') {
      this.docLang = document.documentElement.lang;
      this.langObserver = new MutationObserver(() => (this.docLang = document.documentElement.lang));
      this.langObserver.observe(document.documentElement, { attributes: true, attributeFilter: ['lang'] });
    }
    if (this.backend && !this.actor) this.start();
    // Only elements and words count (a framework's comment markers are not content).
    this.bare = ![...this.childNodes].some(
      (n) => n.nodeType === Node.ELEMENT_NODE || (n.nodeType === Node.TEXT_NODE && !!n.textContent?.trim()),
    );
    this.localeProvider.setValue({ locale: this.locale, strings: this.strings });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langObserver?.disconnect();
    // Moving the element (disconnect + connect in one task) keeps the actor.
    queueMicrotask(() => {
      if (!this.isConnected) this.stop();
    });
  }

  static attributeRules: AttributeRules = {
    name: text('name', LIMITS.maxNameLength),
    avatar: avatarUrl('avatar'),
    lang: languageTag(),
    theme: themeRule,
  };

  protected override willUpdate(changed: PropertyValues): void {
    const refused = checkAttributes(this, changed, MicseatRoom.attributeRules);
    // A refusal puts the last good value back (another change): only a new good value clears it.
    if (refused.has('avatar')) this.keptAvatar = this.avatar;
    else if (changed.has('avatar') && this.avatar !== this.keptAvatar) this.avatarProblem = null;
    // A backend given before the element was in the page was started in connectedCallback;
    // only a different backend replaces the actor.
    if (changed.has('backend') && this.backend) this.refusal = '';
    if (changed.has('backend') && this.isConnected && (this.backend !== this.actorBackend || !this.actor)) {
      this.stop();
      if (this.backend) this.start();
    }
    if (changed.has('lang') || changed.has('docLang')) {
      const info: LocaleInfo = { locale: this.locale, strings: this.strings };
      this.localeProvider.setValue(info);
    }
    const notice = this.notice.value;
    if (notice && notice.seq !== this.lastNotice) {
      this.lastNotice = notice.seq;
      const n = this.strings.notice;
      const text =
        notice.code === 'mode-changed'
          ? n['mode-changed'](notice.params.mode === 'free' ? 'free' : 'request')
          : notice.code === 'error'
            ? n.error(
                this.strings.errors[notice.params.code as keyof Strings['errors']] ??
                  String(notice.params.message ?? ''),
              )
            : n[notice.code];
      this.announce(text);
    }
    const status = this.status.value;
    // The room is a labelled group for assistive technology ("Audio room").
    this.internals.role = 'group';
    this.internals.ariaLabel = this.strings.roomLabel;
    try {
      for (const s of ['connected', 'reconnecting', 'ended']) {
        if (s === status) this.internals.states?.add(s);
        else this.internals.states?.delete(s);
      }
      if (this.hostAway.value) this.internals.states?.add('host-away');
      else this.internals.states?.delete('host-away');
    } catch {
      /* custom states unsupported */
    }
  }

  /** Says `text` in the polite live region (repeats are announced again). */
  announce(text: string): void {
    this.announcement = '';
    requestAnimationFrame(() => (this.announcement = text));
  }

  private start(): void {
    if (!this.backend) return;
    const checked = typeof this.avatar === 'string' && this.avatar ? wireAvatar(this.avatar) : null;
    const avatar = checked && 'url' in checked ? checked.url : undefined;
    this.actor = createActor(roomMachine, {
      // Checked here too: the room may start (connectedCallback) before the first willUpdate.
      input: {
        backend: this.backend,
        name:
          typeof this.name === 'string' && this.name.trim() && MicseatRoom.attributeRules.name!.valid(this.name)
            ? this.name.trim()
            : this.backend.identity,
        ...(avatar ? { avatar } : {}),
      },
    });
    this.actorBackend = this.backend;
    const users = roomsUsing.get(this.backend) ?? new Set<MicseatRoom>();
    roomsUsing.set(this.backend, users.add(this));
    this.actor.start();
    trackRoomClock(this.actor);
    this.roomProvider.setValue(this.actor);
    this.localeProvider.setValue({ locale: this.locale, strings: this.strings });
    this.requestUpdate();
  }

  private stop(): void {
    if (!this.actor) return;
    this.actor.stop();
    const backend = this.actorBackend;
    this.actor = undefined;
    this.actorBackend = undefined;
    // This room's actor connected the backend, so it releases the connection: the member leaves
    // for the others (after the reconnect grace) instead of staying in the room forever. A backend
    // another room element still uses stays connected; putting the element back connects again.
    const users = backend ? roomsUsing.get(backend) : undefined;
    users?.delete(this);
    if (backend && !users?.size) {
      roomsUsing.delete(backend);
      void backend.disconnect();
    }
    this.roomProvider.setValue(undefined);
    this.requestUpdate();
  }

  protected override render() {
    const status = this.status.value;
    const t = this.strings;
    const banner =
      status === 'connecting'
        ? t.connecting
        : status === 'reconnecting'
          ? t.reconnecting
          : status === 'disconnected'
            ? t.disconnected
            : status === 'ended'
              ? t.roomEnded
              : null;
    return html`
      ${banner ? html`<div part="connection" data-status=${status} role="status">${banner}</div>` : nothing}
      ${!banner && this.hostAway.value ? html`<div part="host-away">${t.hostAway}</div>` : nothing}

      ${this.refusal ? html`<div part="connection" data-status="refused" role="alert">${t.roomRefused(this.refusal)}</div>` : nothing}
      <div part="announcer" class="sr-only" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
      <slot @slotchange=${this.onSlotChange}
        >${
          this.bare
            ? html`<div part="default-layout">
              <audio-unlock></audio-unlock><invitation-prompt></invitation-prompt><mic-seat-grid></mic-seat-grid>
              <div class="controls"><cohost-request-button></cohost-request-button><mic-toggle></mic-toggle><room-mode-toggle></room-mode-toggle></div>
              <request-list></request-list>
            </div>`
            : nothing
        }</slot
      >
      ${this.avatarProblem ? html`<div part="attribute-error" data-state-text>${t.avatarRefused(this.avatarProblem)}</div>` : nothing}
      ${
        this.error.value
          ? html`<div part="error">
            <span>${errorText(t, this.error.value.code, this.error.value.message)}</span>
            <button part="error-close" class="btn small" @click=${() => this.actor?.send({ type: 'DISMISS_ERROR' })}>${t.close}</button>
          </div>`
          : nothing
      }
    `;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('micseat-room')) {
  customElements.define('micseat-room', MicseatRoom);
  // Consumers that ask before a provider is upgraded are re-asked when it appears.
  if (typeof document !== 'undefined') new ContextRoot().attach(document.documentElement);
}

declare global {
  interface HTMLElementTagNameMap {
    'micseat-room': MicseatRoom;
  }
}

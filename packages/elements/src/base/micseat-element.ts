/**
 * The base of every micseat element: the room actor and the locale from context, the shared
 * theme, custom states through ElementInternals, and `intent()` — the one way an element acts:
 * dispatch a cancelable event, then (unless cancelled) send the intent to the room actor.
 * No element ever calls a backend.
 */
import { steadyStyles } from '../styles/steady.js';
import { consume } from '@lit/context';
import type { RoomActor, RoomSnapshot } from '@micseat/core';
import { html, LitElement, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { checkAttributes, languageTag, themeRule, type AttributeRules } from '../attributes.js';
import { localeContext, roomContext, type LocaleInfo } from '../context.js';
import { SelectorController, type Equals } from '../controllers/selector.js';
import { INTENT_OF, type MicseatEventDetails, type MicseatEventName } from '../events.js';
import { stringsFor, stringsLoading, type Strings } from '../i18n/strings.js';
import { formatDuration } from '../i18n/format.js';
import { controlStyles, themeStyles } from '../styles/theme.js';

/** Tags that already warned they are outside any room: one warning per tag per page. */
const warnedOutside = new Set<string>();

/** Whether `el` sits inside a `<micseat-room>`, across shadow roots (a seat inside a grid). */
function insideRoom(el: Element): boolean {
  for (let n: Element | null = el; n; n = n.parentElement ?? (n.getRootNode() as ShadowRoot).host ?? null) {
    if (n !== el && n.localName === 'micseat-room') return true;
  }
  return false;
}

/**
 * Shared by every micseat element (not registered itself).
 *
 * @csspart no-room - "Not in a room", shown instead of the element when it is outside any `<micseat-room>` and has no actor.
 * @cssstate no-room - Outside any `<micseat-room>`, with no actor.
 * @fires attribute-error - An attribute held a value the element cannot use; it kept its last good value. detail: `{ code: 'invalid-attribute', attribute, value, expected, message }`
 * @cssproperty --micseat-color-scheme - `light`, `dark` or `light dark` (the `theme` attribute sets it; it inherits).
 * @cssproperty --micseat-surface - Panel background.
 * @cssproperty --micseat-surface-raised - Raised / hovered background.
 * @cssproperty --micseat-surface-sunken - Tracks, locked seats.
 * @cssproperty --micseat-ink - Text.
 * @cssproperty --micseat-ink-muted - Secondary text.
 * @cssproperty --micseat-line - Borders.
 * @cssproperty --micseat-accent - Primary buttons, badges, switches.
 * @cssproperty --micseat-accent-ink - Text on the accent.
 * @cssproperty --micseat-accent-soft - Soft accent backgrounds (menus, invitations).
 * @cssproperty --micseat-speaking - The speaking ring.
 * @cssproperty --micseat-danger - Destructive actions and problems.
 * @cssproperty --micseat-danger-soft - Their soft background.
 * @cssproperty --micseat-warning - Reservations, reconnecting, blocked audio.
 * @cssproperty --micseat-warning-soft - Their soft background.
 * @cssproperty --micseat-focus-ring - Focus outline.
 * @cssproperty --micseat-radius - Corner radius of panels.
 * @cssproperty --micseat-radius-small - Corner radius of menus.
 * @cssproperty --micseat-font - Font family.
 * @cssproperty --micseat-font-size - Base font size.
 * @cssproperty --micseat-gap - Spacing.
 * @cssproperty --micseat-shadow - Elevation shadow.
 * @cssproperty --micseat-transition - Transition timing (0s under reduced motion).
 */
export class MicseatElement extends LitElement {
  static override styles = [themeStyles, controlStyles, steadyStyles];

  /** What each checked attribute accepts (subclasses add theirs). */
  static attributeRules: AttributeRules = { lang: languageTag(), theme: themeRule };

  /** The room actor, from the nearest `<micseat-room>` (or set directly). */
  @consume({ context: roomContext, subscribe: true })
  @property({ attribute: false })
  actor?: RoomActor;

  @consume({ context: localeContext, subscribe: true })
  @state()
  protected roomLocale?: LocaleInfo;

  /** Language of this element's strings; defaults to the room's, then the document's. */
  @property() override lang!: string;

  /** `light`, `dark` or `auto` (follows the system); inherits from `<micseat-room>` when unset. */
  @property({ reflect: true }) theme?: 'light' | 'dark' | 'auto';

  protected readonly internals: ElementInternals;
  /** Placed outside any `<micseat-room>` and given no actor: says so instead of a plausible empty room. */
  private outsideRoom = false;

  constructor() {
    super();
    this.internals = this.attachInternals();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Checked after the tree settles (a provider upgrading later answers the context request then).
    setTimeout(() => this.checkRoom(), 0);
  }

  private checkRoom(): void {
    if (!this.isConnected) return;
    const outside = !this.actor && !insideRoom(this);
    if (outside !== this.outsideRoom) {
      this.outsideRoom = outside;
      this.setStates({ 'no-room': outside });
      this.requestUpdate();
    }
    if (outside && !warnedOutside.has(this.localName)) {
      warnedOutside.add(this.localName);
      console.warn(
        `micseat: <${this.localName}> is not inside a <micseat-room> and has no actor, so it shows no room. Put it inside a <micseat-room>, or set its actor.`,
      );
    }
  }

  protected override update(changed: PropertyValues): void {
    if (this.outsideRoom && this.actor) {
      this.outsideRoom = false;
      this.setStates({ 'no-room': false });
    }
    if (!this.outsideRoom) {
      super.update(changed);
      return;
    }
    // The element's own template would show a plausible, silent empty room: say what is wrong instead.
    this.hidden = false;
    const own = this.render;
    this.render = () => html`<p part="no-room" role="status">${this.t.notInRoom}</p>`;
    try {
      super.update(changed);
    } finally {
      this.render = own;
    }
  }

  /** A language whose strings are fetched on demand (`zh`) renders once they are here, not in English first. */
  protected override scheduleUpdate(): void | Promise<unknown> {
    const loading = stringsLoading(this.locale);
    return loading ? loading.then(() => super.scheduleUpdate()) : super.scheduleUpdate();
  }

  /** The properties refused in the current update (their bad value was put back). */
  protected refusedAttributes: ReadonlySet<string> = new Set();

  protected override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    this.refusedAttributes = checkAttributes(this, changed, (this.constructor as typeof MicseatElement).attributeRules);
  }

  /** A selector on the room actor's snapshot; the host updates only when the slice changes. */
  protected selectRoom<T>(
    selector: (s: RoomSnapshot) => T,
    fallback: T,
    equals?: Equals<T>,
  ): SelectorController<RoomActor, T> {
    return new SelectorController<RoomActor, T>(this, () => this.actor, selector, fallback, equals);
  }

  get locale(): string {
    return (
      this.lang ||
      this.roomLocale?.locale ||
      (typeof document !== 'undefined' ? document.documentElement.lang : '') ||
      'en'
    );
  }

  protected get t(): Strings {
    return this.lang ? stringsFor(this.lang) : (this.roomLocale?.strings ?? stringsFor(this.locale));
  }

  protected duration(ms: number): string {
    return formatDuration(ms, this.locale);
  }

  /** Sets custom states (`:state(name)`) from a map of flags. */
  protected setStates(flags: Record<string, boolean>): void {
    const states = this.internals.states;
    if (!states) return;
    for (const [name, on] of Object.entries(flags)) {
      try {
        if (on) states.add(name);
        else states.delete(name);
      } catch {
        // Old engines only accept `--name`; custom states are a styling nicety, never required.
      }
    }
  }

  /**
   * Dispatches the cancelable intent event `name`; if nobody cancels it, sends the room intent
   * it stands for (`INTENT_OF`, one table for every element) to the room actor. Returns whether
   * the intent was sent.
   */
  protected intent<K extends MicseatEventName>(name: K, detail: MicseatEventDetails[K]): boolean {
    const event = new CustomEvent(name, { detail, bubbles: true, composed: true, cancelable: true });
    if (!this.dispatchEvent(event)) return false;
    const actor = this.actor;
    if (actor) actor.send(INTENT_OF[name](detail, actor.getSnapshot().context.identity));
    return true;
  }
}

import type { AnyActorRef } from 'xstate';
import { css, html, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { MicseatElement } from '../base/micseat-element.js';

interface Line {
  readonly at: number;
  readonly text: string;
}

const valueOf = (ref: AnyActorRef | null | undefined): string => {
  if (!ref) return '—';
  const s = ref.getSnapshot() as { value?: unknown; status?: string };
  const v = typeof s.value === 'string' ? s.value : JSON.stringify(s.value);
  return s.status && s.status !== 'active' ? `${v} (${s.status})` : String(v);
};

/**
 * A debugging view of the machines behind the room: the room actor's state, connection status
 * and replica version, my seat request's state and context, every invitation actor, the
 * moderator inbox, intents in flight, the last error and notice, audio levels — and a log of
 * state changes. Subscribes to every child actor it shows.
 *
 * @summary Machine states, for debugging.
 * @csspart base - The panel (a `<details>`).
 * @csspart summary - The always-visible line.
 * @csspart table - The current states.
 * @csspart log - The transition log.
 * @cssstate open - The panel is expanded.
 * @cssproperty --micseat-mono-font - The monospace font stack of the panel (default `ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace`).
 */
export class RoomInspector extends MicseatElement {
  static override styles = [
    ...MicseatElement.styles,
    css`
      :host {
        display: block;
        font-family: var(--micseat-mono-font, ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace);
        font-size: 12px;
      }
      [part~='base'] {
        border: 1px solid var(--_line);
        border-radius: var(--_radius-sm);
        background: var(--_surface-2);
        color: var(--_ink);
        padding: 6px 10px;
      }
      [part~='summary'] {
        cursor: pointer;
        font-weight: 700;
        padding: 4px 0;
      }
      table {
        border-collapse: collapse;
        width: 100%;
      }
      th,
      td {
        text-align: start;
        vertical-align: top;
        padding: 2px 6px;
        border-block-end: 1px solid var(--_line);
        overflow-wrap: anywhere;
      }
      th {
        color: var(--_ink-2);
        font-weight: 600;
        white-space: nowrap;
      }
      [part~='log'] {
        margin: 6px 0 0;
        padding: 0;
        list-style: none;
        max-height: 10em;
        overflow: auto;
        color: var(--_ink-2);
      }
    `,
  ];

  private subs: { unsubscribe(): void }[] = [];
  private watched = new Set<AnyActorRef>();
  private lastValues = new Map<AnyActorRef, string>();

  @state() private log: Line[] = [];
  @state() private rev = 0;

  /** Start expanded. */
  @property({ type: Boolean, reflect: true }) open = false;

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    if (changed.has('actor')) this.rewatch();
    this.setStates({ open: this.open });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.unwatch();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.actor) this.rewatch();
  }

  private unwatch(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
    this.watched.clear();
  }

  private rewatch(): void {
    this.unwatch();
    if (this.actor) this.watch(this.actor, 'room');
  }

  private watch(ref: AnyActorRef, name: string): void {
    if (this.watched.has(ref)) return;
    this.watched.add(ref);
    const sub = ref.subscribe({
      next: () => {
        const v = valueOf(ref);
        if (this.lastValues.get(ref) !== v) {
          this.lastValues.set(ref, v);
          this.log = [{ at: Date.now(), text: `${name} → ${v}` }, ...this.log].slice(0, 50);
        }
        if (ref === this.actor) this.watchChildren();
        this.rev++;
      },
      error: () => {},
    });
    this.lastValues.set(ref, valueOf(ref));
    this.subs.push(sub);
    if (ref === this.actor) this.watchChildren();
  }

  private watchChildren(): void {
    const ctx = this.actor?.getSnapshot().context;
    if (!ctx) return;
    if (ctx.request) this.watch(ctx.request, 'request');
    if (ctx.inbox) this.watch(ctx.inbox, 'inbox');
    for (const [id, ref] of Object.entries(ctx.invitations)) this.watch(ref, `invitation ${id.slice(0, 8)}`);
  }

  private toggle = (e: Event): void => {
    this.open = (e.target as HTMLDetailsElement).open;
  };

  protected override render() {
    const t = this.t;
    const snap = this.actor?.getSnapshot();
    if (!snap)
      return html`<details part="base"><summary part="summary">${t.inspector}${t.labelSep}—</summary></details>`;
    const ctx = snap.context;
    const room = ctx.room;
    const req = ctx.request?.getSnapshot();
    const inbox = ctx.inbox?.getSnapshot();
    const pending = room?.counts.queue ?? 0;
    const r = t.inspectorRow;
    const rows: [string, string][] = [
      [r.room, `${valueOf(this.actor)} · status ${ctx.status}`],
      [r.identity, `${ctx.identity} (${room?.members[ctx.identity]?.role ?? '—'})`],
      [r.version, room ? `v${room.version} · clock ${room.clock} · mode ${room.mode}` : '—'],
      [
        r.seats,
        room
          ? room.seats
              .map((s) => `${s.index + 1}:${s.status}${s.userId ? `(${s.userId})` : ''}${s.muted ? '·muted' : ''}`)
              .join(' ')
          : '—',
      ],
      [
        r.request,
        req
          ? `${valueOf(ctx.request)} · ${req.context.kind} seat ${String(req.context.seat)} · pos ${req.context.position ?? '—'} · deadline ${req.context.deadline ?? '—'}${req.context.error ? ` · ${req.context.error.code}` : ''}`
          : '—',
      ],
      [
        r.invitations,
        Object.entries(ctx.invitations)
          .map(([id, ref]) => `${id.slice(0, 8)}:${valueOf(ref)}`)
          .join(', ') || '—',
      ],
      [
        r.inbox,
        inbox ? `${valueOf(ctx.inbox)} · ${pending} pending · busy ${Object.keys(inbox.context.busy).length}` : '—',
      ],
      [
        r.busy,
        Object.entries(ctx.busy)
          .map(([k, n]) => `${k}×${n}`)
          .join(', ') || '—',
      ],
      [r.levels, [...ctx.levels].map(([id, l]) => `${id}:${l.toFixed(2)}`).join(' ') || '—'],
      [r.audio, ctx.audioBlocked ? t.inspectorAudio.blocked : t.inspectorAudio.playing],
      [r.error, ctx.error ? `${ctx.error.code}: ${ctx.error.message}` : '—'],
      [r.notice, ctx.notice ? `#${ctx.notice.seq} ${ctx.notice.code}` : '—'],
    ];
    return html`<details part="base" ?open=${this.open} @toggle=${this.toggle}>
      <summary part="summary">${t.inspector}${t.labelSep}${valueOf(this.actor)} · ${req ? t.inspectorRequest(valueOf(ctx.request)) : t.inspectorNoRequest}</summary>
      ${
        this.open
          ? html`<table part="table">
              <tbody>
                ${rows.map(([k, v]) => html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`)}
              </tbody>
            </table>
            <ul part="log" tabindex="0" aria-label=${t.inspectorLog}>
              ${this.log.map((l) => html`<li>${new Date(l.at).toISOString().slice(11, 23)} ${l.text}</li>`)}
            </ul>`
          : nothing
      }
    </details>`;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('room-inspector')) {
  customElements.define('room-inspector', RoomInspector);
}

declare global {
  interface HTMLElementTagNameMap {
    'room-inspector': RoomInspector;
  }
}

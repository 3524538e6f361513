import type { MemoryRoom } from '@micseat/backend-memory';
import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { css, html, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { until } from 'lit/directives/until.js';
import { freshRoom, withTheme } from './support/stage.js';

const PEOPLE = [
  { id: 'host', name: 'Alice (host)', role: 'host' },
  { id: 'bob', name: 'Bob', role: 'audience' },
  { id: 'carol', name: 'Carol', role: 'audience' },
  { id: 'dan', name: 'Dan', role: 'audience' },
] as const;

/**
 * Fault injection for the playground (a story-only element: it drives the memory room's test
 * hooks, which the kit's elements never see).
 */
@customElement('micseat-fault-panel')
export class FaultPanel extends LitElement {
  static override styles = css`
    :host {
      display: block;
      font: 13px system-ui, sans-serif;
      color: inherit;
    }
    fieldset {
      border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
      border-radius: 10px;
      display: flex;
      flex-wrap: wrap;
      gap: 10px 18px;
      align-items: center;
      margin: 0 0 10px;
    }
    legend {
      font-weight: 700;
    }
    label {
      display: inline-flex;
      gap: 6px;
      align-items: center;
    }
    input[type='range'] {
      width: 110px;
    }
    output {
      min-width: 3.5em;
      font-variant-numeric: tabular-nums;
    }
    .who {
      display: grid;
      grid-template-columns: repeat(auto-fit, minmax(220px, 1fr));
      gap: 8px;
      width: 100%;
    }
    .who > div {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
      align-items: center;
    }
    button,
    select {
      font: inherit;
    }
  `;

  @property({ attribute: false }) room?: MemoryRoom;
  @state() private faults = { latencyMs: 0, drop: 0, duplicate: 0, reorder: 0 };
  @state() private dropped = new Set<string>();

  private set(key: keyof FaultPanel['faults'], value: number): void {
    this.faults = { ...this.faults, [key]: value };
    this.room?.setFaults({ ...this.faults, jitterMs: this.faults.latencyMs / 2 });
  }

  private toggleDrop(id: string): void {
    const next = new Set(this.dropped);
    if (next.has(id)) {
      this.room?.resume(id);
      next.delete(id);
    } else {
      this.room?.drop(id);
      next.add(id);
    }
    this.dropped = next;
  }

  override render() {
    const f = this.faults;
    const slider = (key: keyof typeof f, label: string, max: number, step: number, unit = '') =>
      html`<label
        >${label}
        <input type="range" min="0" max=${max} step=${step} .value=${String(f[key])} @input=${(e: Event) => this.set(key, Number((e.target as HTMLInputElement).value))} />
        <output>${key === 'latencyMs' ? `${f[key]} ms` : `${Math.round(f[key] * 100)}%`}${unit}</output></label
      >`;
    return html`
      <fieldset>
        <legend>Network faults (every link)</legend>
        ${slider('latencyMs', 'Latency', 2000, 50)} ${slider('drop', 'Drop', 0.5, 0.05)} ${slider('duplicate', 'Duplicate', 0.5, 0.05)}
        ${slider('reorder', 'Reorder', 0.5, 0.05)}
      </fieldset>
      <fieldset>
        <legend>Per person</legend>
        <div class="who">
          ${PEOPLE.map(
            (p) => html`<div>
              <strong>${p.name}</strong>
              <button @click=${() => this.toggleDrop(p.id)}>${this.dropped.has(p.id) ? 'Resume network' : 'Drop network'}</button>
              <label
                >Mic
                <select @change=${(e: Event) => this.room?.clients.get(p.id)?.media.configure({ micFailure: ((e.target as HTMLSelectElement).value || null) as 'denied' | 'no-device' | null })}>
                  <option value="">works</option>
                  <option value="denied">permission denied</option>
                  <option value="no-device">no device</option>
                </select></label
              >
              <label
                ><input type="checkbox" @change=${(e: Event) => this.room?.clients.get(p.id)?.media.configure({ autoplayBlocked: (e.target as HTMLInputElement).checked })} />
                autoplay blocked</label
              >
            </div>`,
          )}
        </div>
      </fieldset>
    `;
  }
}

const meta: Meta = {
  title: 'Playground/Live room',
  decorators: [withTheme],
  parameters: {
    layout: 'fullscreen',
    docs: {
      description: {
        component:
          'One host and three listeners share one in-memory room, side by side. Every flow can be played by clicking: switch the mode, take or request seats, accept/reject, invite from a seat menu or the people list, mute, lock, move, remove; then inject faults (latency, drop, duplicate, reorder, a dropped client, mic failures, blocked autoplay) and watch the inspectors.',
      },
    },
  },
};
export default meta;

const pane = (room: MemoryRoom, p: (typeof PEOPLE)[number], seatCount: number) => {
  const backend = room.join(p.id, p.role);
  const host = p.role === 'host';
  return html`<section class="pane" aria-label=${p.name}>
    <h2>${p.name}</h2>
    <micseat-room .backend=${backend} name=${p.name.replace(' (host)', '')}>
      <div class="stack">
        <audio-unlock></audio-unlock>
        <invitation-prompt></invitation-prompt>
        <mic-seat-grid></mic-seat-grid>
        <div class="row">
          ${host ? html`<room-mode-toggle></room-mode-toggle>` : html`<cohost-request-button></cohost-request-button>`}
          <mic-toggle></mic-toggle>
        </div>
        ${host ? html`<request-list style="--micseat-request-list-height: 200px"></request-list>` : ''}
        <connected-users></connected-users>
        <room-inspector></room-inspector>
      </div>
    </micseat-room>
  </section>`;
  void seatCount;
};

export const LiveRoom: StoryObj<{
  seatCount: number;
  requestTimeoutS: number;
  reconnectGraceS: number;
  allowCamera: boolean;
}> = {
  name: 'Live room (1 host + 3 listeners)',
  args: { seatCount: 6, requestTimeoutS: 60, reconnectGraceS: 30, allowCamera: false },
  argTypes: {
    seatCount: { control: { type: 'range', min: 1, max: 16, step: 1 } },
    requestTimeoutS: { control: { type: 'range', min: 5, max: 120, step: 5 } },
    reconnectGraceS: { control: { type: 'range', min: 0, max: 120, step: 5 } },
  },
  render: (args) => {
    const room = freshRoom({
      seatCount: args.seatCount,
      requestTimeoutMs: args.requestTimeoutS * 1000,
      reconnectGraceMs: args.reconnectGraceS * 1000,
      allowCamera: args.allowCamera,
    });
    return html`<div class="playground"><style>
        .playground {
          padding: 12px;
          font: 14px system-ui, sans-serif;
        }
        .panes {
          display: grid;
          /* 1280 px: the four people side by side (2 × 2 from ~640 px, one column on a phone). */
          grid-template-columns: repeat(auto-fit, minmax(min(100%, 280px), 1fr));
          gap: 12px;
          align-items: start;
        }
        .pane {
          border: 1px solid color-mix(in srgb, currentColor 18%, transparent);
          border-radius: 16px;
          padding: 12px;
        }
        .pane h2 {
          margin: 0 0 10px;
          font-size: 15px;
        }
        .stack {
          display: grid;
          gap: 12px;
        }
        .row {
          display: flex;
          flex-wrap: wrap;
          gap: 10px;
          align-items: start;
        }
      </style>
      <micseat-fault-panel .room=${room}></micseat-fault-panel>
      <div class="panes">${PEOPLE.map((p) => pane(room, p, args.seatCount))}</div>
    </div>`;
  },
};

/**
 * The same room UI on a real LiveKit room (one person per browser tab). Give the LiveKit URL, a
 * token minted for this person (see packages/backend-livekit/README.md, "Tokens") and the host's
 * identity — as story controls, or in the preview URL:
 *   iframe.html?id=playground-live-room--live-room-on-live-kit&lk-url=wss://…&lk-token=…&lk-host=alice
 * Open one tab per person (the host first). livekit-client is loaded only here, on demand.
 */
export const LiveRoomOnLiveKit: StoryObj<{ lkUrl: string; lkToken: string; lkHost: string; name: string }> = {
  name: 'Live room on LiveKit (URL + token)',
  args: { lkUrl: '', lkToken: '', lkHost: '', name: '' },
  render: (args) => {
    const q = new URLSearchParams(globalThis.location?.search ?? '');
    const pick = (arg: string, key: string) => arg || q.get(key) || '';
    const params = {
      'lk-url': pick(args.lkUrl, 'lk-url'),
      'lk-token': pick(args.lkToken, 'lk-token'),
      'lk-host': pick(args.lkHost, 'lk-host'),
    };
    const name = pick(args.name, 'name') || 'Guest';
    const loading = import('@micseat/backend-livekit').then(({ liveKitOptionsFromParams, LiveKitRoomBackend }) => {
      const parsed = liveKitOptionsFromParams(params);
      if (!parsed.ok) {
        return html`<p role="status" style="font: 14px system-ui; padding: 16px">
          To play on LiveKit, give ${parsed.missing.map((m, i) => html`${i ? ', ' : ''}<code>${m}</code>`)} (story controls or
          URL parameters). See packages/backend-livekit/README.md for minting tokens.
        </p>`;
      }
      const backend = new LiveKitRoomBackend(parsed.options);
      return html`<section class="pane" style="padding: 16px; max-width: 520px">
        <micseat-room .backend=${backend} name=${name}>
          <div style="display: grid; gap: 12px">
            <audio-unlock></audio-unlock>
            <invitation-prompt></invitation-prompt>
            <mic-seat-grid></mic-seat-grid>
            <div style="display: flex; flex-wrap: wrap; gap: 10px">
              <room-mode-toggle></room-mode-toggle>
              <cohost-request-button></cohost-request-button>
              <mic-toggle></mic-toggle>
            </div>
            <request-list style="--micseat-request-list-height: 200px"></request-list>
            <connected-users></connected-users>
            <room-inspector></room-inspector>
          </div>
        </micseat-room>
      </section>`;
    });
    return html`${until(loading, html`<p style="font: 14px system-ui; padding: 16px">Loading the LiveKit backend…</p>`)}`;
  },
};

import type { MicReport, RoomError } from '@micseat/core';
import { css, html, type PropertyValues } from 'lit';
import { MicseatElement } from '../base/micseat-element.js';
import { steady } from '../styles/steady.js';
import { shallowEqual } from '../controllers/selector.js';
import { errorText } from '../i18n/strings.js';
import { icons } from '../styles/icons.js';
import { switchStyles } from '../styles/switch.js';

type MicView = 'on' | 'off' | 'muted-by-host' | 'no-device' | 'denied' | 'no-seat';

/**
 * Your microphone, as a switch (role=switch, checked = on) that says its state to screen
 * readers: on, off, muted by the host (locked until released), no device, permission denied.
 * Usable by the host and by anyone on a seat.
 *
 * @summary The local mic switch.
 * @fires mic-change - Before turning the mic on or off. Cancelable. detail: `{ on }`
 * @csspart base - The switch.
 * @csspart track - The track.
 * @csspart thumb - The thumb (with the mic icon).
 * @csspart label - The label block.
 * @csspart hint - The state in words (and problems: no device, permission denied).
 * @cssproperty --micseat-accent - Track colour when on.
 * @cssstate on - The mic is on.
 * @cssstate off - The mic is off.
 * @cssstate muted-by-host - Your seat is muted by the host.
 * @cssstate no-device - No microphone was found.
 * @cssstate denied - Microphone permission was denied.
 * @cssstate no-seat - You are not on a seat (and not the host).
 * @cssstate busy - A change is on its way.
 */
export class MicToggle extends MicseatElement {
  static override styles = [
    ...MicseatElement.styles,
    switchStyles,
    css`
      :host {
        display: inline-block;
      }
      .problem [part~='hint'] {
        color: var(--_danger);
      }
    `,
  ];

  private readonly room = this.selectRoom(
    (s) => {
      const room = s.context.room;
      const me = s.context.identity;
      const member = room?.members[me];
      const seat = room?.seats.find((x) => x.userId === me) ?? null;
      const isHost = !!room && room.hostId === me;
      let view: MicView = 'no-seat';
      if (member && (seat || isHost)) view = seat?.muted ? 'muted-by-host' : (member.mic as MicReport);
      return {
        view,
        connected: s.value === 'connected',
        busy: !!s.context.busy.SET_MIC,
        error: s.context.error as RoomError | null,
      };
    },
    { view: 'no-seat' as MicView, connected: false, busy: false, error: null as RoomError | null },
    shallowEqual,
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const { view, busy } = this.room.value;
    this.setStates({
      on: view === 'on',
      off: view === 'off',
      'muted-by-host': view === 'muted-by-host',
      'no-device': view === 'no-device',
      denied: view === 'denied',
      'no-seat': view === 'no-seat',
      busy,
    });
  }

  private toggle = (): void => {
    const { view, connected, busy } = this.room.value;
    if (!connected || busy || view === 'no-seat' || view === 'muted-by-host') return;
    const on = view !== 'on';
    this.intent('mic-change', { on });
  };

  protected override render() {
    const t = this.t;
    const { view, connected, busy } = this.room.value;
    const disabled = !connected || view === 'no-seat' || view === 'muted-by-host';
    const hint =
      view === 'on'
        ? t.micOn
        : view === 'off'
          ? t.micOff
          : view === 'muted-by-host'
            ? t.micMutedByHost
            : view === 'no-device'
              ? t.micNoDevice
              : view === 'denied'
                ? t.micDenied
                : t.micNeedSeat;
    const problem = view === 'no-device' || view === 'denied' || view === 'muted-by-host';
    const error = this.room.value.error;
    const extra =
      error && (error.code === 'media-failed' || error.code === 'seat-muted')
        ? ` — ${errorText(t, error.code, error.message)}`
        : '';
    return html`<button
      part="base"
      role="switch"
      class=${problem ? 'problem' : ''}
      aria-checked=${view === 'on' ? 'true' : 'false'}
      aria-disabled=${disabled ? 'true' : 'false'}
      aria-busy=${busy ? 'true' : 'false'}
      aria-describedby="hint"
      @click=${this.toggle}
    >
      <span part="track" aria-hidden="true"><span part="thumb">${view === 'on' ? icons.mic : icons.micOff}</span></span>
      <span part="label">
        <span>${t.microphone}</span>
        <!-- Sized for the everyday states; "permission denied" (long, rare) may widen it. -->
        <span part="hint" id="hint"
          >${steady(hint, [t.micOn, t.micOff, t.micMutedByHost, t.micNoDevice, t.micNeedSeat])}${extra}</span
        >
      </span>
    </button>`;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('mic-toggle')) {
  customElements.define('mic-toggle', MicToggle);
}

declare global {
  interface HTMLElementTagNameMap {
    'mic-toggle': MicToggle;
  }
}

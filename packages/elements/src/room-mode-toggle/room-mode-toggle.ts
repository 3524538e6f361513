import { mayChangeMode, type RoomMode } from '@micseat/core';
import { css, html, type PropertyValues } from 'lit';
import { MicseatElement } from '../base/micseat-element.js';
import { steady } from '../styles/steady.js';
import { shallowEqual } from '../controllers/selector.js';
import { switchStyles } from '../styles/switch.js';

/**
 * Free seating ⇄ approval required. A switch (role=switch, checked = approval required); only
 * the host can flip it — everyone else sees the room's mode, read-only. The whole room sees
 * the change at once (it is the authority's state).
 *
 * @summary The room mode switch (free / request).
 * @fires mode-change - Before switching the mode. Cancelable. detail: `{ mode }`
 * @csspart base - The switch.
 * @csspart track - The switch's track.
 * @csspart thumb - The switch's thumb.
 * @csspart label - The label block.
 * @csspart hint - What the current mode means.
 * @cssproperty --micseat-accent - Track colour when on.
 * @cssstate free - Listeners take seats themselves.
 * @cssstate request - Seats need the host's approval.
 * @cssstate readonly - Not the host: shown, not switchable.
 * @cssstate busy - The change is on its way.
 */
export class RoomModeToggle extends MicseatElement {
  static override styles = [...MicseatElement.styles, switchStyles, css`:host { display: inline-block; }`];

  private readonly room = this.selectRoom(
    (s) => ({
      mode: (s.context.room?.mode ?? 'free') as RoomMode,
      mayToggle: mayChangeMode(s.context.room?.members[s.context.identity]?.role),
      connected: s.value === 'connected',
      busy: !!s.context.busy.SET_MODE,
    }),
    { mode: 'free' as RoomMode, mayToggle: false, connected: false, busy: false },
    shallowEqual,
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    const { mode, mayToggle, busy } = this.room.value;
    this.setStates({ free: mode === 'free', request: mode === 'request', readonly: !mayToggle, busy });
  }

  private toggle = (): void => {
    const { mode, mayToggle, connected, busy } = this.room.value;
    if (!mayToggle || !connected || busy) return;
    const next: RoomMode = mode === 'free' ? 'request' : 'free';
    this.intent('mode-change', { mode: next });
  };

  protected override render() {
    const t = this.t;
    const { mode, mayToggle, connected, busy } = this.room.value;
    const disabled = !mayToggle || !connected;
    const hint = (m: RoomMode) => `${t.modeName[m]}${t.dashSep}${mayToggle ? t.modeHint[m] : t.onlyHostSwitches}`;
    return html`<button
      part="base"
      role="switch"
      aria-checked=${mode === 'request' ? 'true' : 'false'}
      aria-disabled=${disabled ? 'true' : 'false'}
      aria-busy=${busy ? 'true' : 'false'}
      aria-describedby="hint"
      @click=${this.toggle}
    >
      <span part="track" aria-hidden="true"><span part="thumb"></span></span>
      <span part="label">
        <span>${t.roomMode}</span>
        <span part="hint" id="hint"
          >${steady(
            hint(mode),
            (['free', 'request'] as const).map((m) => hint(m)),
          )}</span
        >
      </span>
    </button>`;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('room-mode-toggle')) {
  customElements.define('room-mode-toggle', RoomModeToggle);
}

declare global {
  interface HTMLElementTagNameMap {
    'room-mode-toggle': RoomModeToggle;
  }
}

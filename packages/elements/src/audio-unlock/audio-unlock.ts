import { css, html, nothing, type PropertyValues } from 'lit';
import { MicseatElement } from '../base/micseat-element.js';
import { shallowEqual } from '../controllers/selector.js';
import { icons } from '../styles/icons.js';

/**
 * "Tap to listen": shown only while the browser blocks the room's audio (autoplay policy);
 * one tap (a user gesture) unlocks it. Hidden otherwise, so it can sit anywhere.
 *
 * @summary The "tap to listen" prompt.
 * @fires audio-unlock - Before unlocking audio (from the tap). Cancelable.
 * @slot - Replaces the hint text.
 * @csspart base - The banner.
 * @csspart button - The "tap to listen" button.
 * @csspart hint - The explanation.
 * @cssstate blocked - Audio is blocked (the prompt is visible).
 */
export class AudioUnlock extends MicseatElement {
  static override styles = [
    ...MicseatElement.styles,
    css`
      :host {
        display: block;
      }
      [part~='base'] {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 10px 14px;
        padding: 12px 14px;
        border-radius: var(--_radius);
        background: var(--_warning-soft);
        border: 1px solid var(--_warning);
      }
      [part~='hint'] {
        flex: 1 1 14em;
      }
      [part~='button'] {
        font-size: 1.05em;
        min-height: 42px;
      }
    `,
  ];

  private readonly room = this.selectRoom(
    (s) => ({ blocked: s.context.audioBlocked, busy: !!s.context.busy.UNLOCK_AUDIO }),
    { blocked: false, busy: false },
    shallowEqual,
  );

  protected override willUpdate(changed: PropertyValues<this>): void {
    super.willUpdate(changed);
    this.hidden = !this.room.value.blocked;
    this.setStates({ blocked: this.room.value.blocked });
  }

  private unlock = (): void => {
    if (this.room.value.busy) return;
    this.intent('audio-unlock', {});
  };

  protected override render() {
    if (!this.room.value.blocked) return nothing;
    const t = this.t;
    return html`<div part="base" role="group" aria-label=${t.tapToListen}>
      <span part="hint"><slot>${t.audioBlockedHint}</slot></span>
      <button part="button" class="btn primary" aria-busy=${this.room.value.busy ? 'true' : 'false'} @click=${this.unlock}>
        ${icons.speaker} ${t.tapToListen}
      </button>
    </div>`;
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('audio-unlock')) {
  customElements.define('audio-unlock', AudioUnlock);
}

declare global {
  interface HTMLElementTagNameMap {
    'audio-unlock': AudioUnlock;
  }
}

import { css } from 'lit';

export const roomStyles = css`
  :host {
    display: block;
    position: relative;
    /* The stage: a backdrop lit from above (set --micseat-room-background, e.g. transparent, to change it). */
    background: var(
      --micseat-room-background,
      radial-gradient(120% 70% at 50% 0%, light-dark(#ece6ff, #3d2b78) 0%, light-dark(#f8f6ff, #1b1433) 60%, light-dark(#ffffff, #100c1f) 100%)
        light-dark(#ffffff, #100c1f)
    );
    border-radius: var(--micseat-room-radius, 0);
    color: var(--_ink);
  }
  /* Each message takes the direction of its own words: Chinese in a right-to-left page keeps its
     trailing "…" after the words (plain bidi would move it before them). */
  [part='connection'],
  [part='host-away'],
  [part='error'],
  [part='attribute-error'] {
    unicode-bidi: plaintext;
  }
  [part='connection'],
  [part='host-away'] {
    position: absolute;
    inset-block-start: 8px;
    inset-inline: 0;
    margin-inline: auto;
    width: max-content;
    max-width: calc(100% - 16px);
    z-index: 5;
    padding: 6px 14px;
    border-radius: 999px;
    background: var(--_warning-soft);
    color: var(--_ink);
    border: 1px solid var(--_warning);
    font-weight: 600;
    box-shadow: var(--_shadow);
    pointer-events: none;
  }
  /* In the flow after the room's content (never over seat labels); the room grows, nothing above moves. */
  [part='error'],
  [part='attribute-error'] {
    margin: 8px auto;
    width: fit-content;
    max-width: calc(100% - 16px);
    display: flex;
    align-items: center;
    gap: 10px;
    padding-block: 6px;
    padding-inline: 14px 6px;
    border-radius: 999px;
    background: var(--_danger-soft);
    color: var(--_ink);
    border: 1px solid var(--_danger);
    box-shadow: var(--_shadow);
  }
  [part='attribute-error'] {
    padding-inline: 14px;
    background: var(--_warning-soft);
    border-color: var(--_warning);
  }
  [part='connection'][data-status='refused'] {
    position: static;
    margin: 8px auto;
    background: var(--_danger-soft);
    border-color: var(--_danger);
    pointer-events: auto;
  }
  [part='default-layout'] {
    display: grid;
    /* One column as wide as the room, never its content's min-content (seats would overflow a phone). */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_gap);
    padding: var(--_gap);
  }
  [part='default-layout'] .controls {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: center;
  }
  [part='connection'][data-status='ended'] {
    background: var(--_surface-3);
    border-color: var(--_line);
  }
`;

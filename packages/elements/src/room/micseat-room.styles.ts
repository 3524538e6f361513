import { css } from 'lit';

export const roomStyles = css`
  :host {
    display: block;
    position: relative;
    /* The room paints its theme's surface so light and dark work on any page (set it to transparent to blend in). */
    background: var(--micseat-room-background, var(--_surface));
    color: var(--_ink);
  }
  [part='connection'] {
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
  [part='error'] {
    position: absolute;
    inset-block-end: 8px;
    inset-inline: 0;
    margin-inline: auto;
    width: max-content;
    max-width: calc(100% - 16px);
    z-index: 7;
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
  [part='connection'][data-status='refused'] {
    position: static;
    margin: 8px auto;
    background: var(--_danger-soft);
    border-color: var(--_danger);
    pointer-events: auto;
  }
  [part='default-layout'] {
    display: grid;
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

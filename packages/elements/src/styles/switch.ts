import { css } from 'lit';

/** A switch (role=switch): a track with a thumb, label beside it. */
export const switchStyles = css`
  [part~='base'] {
    all: unset;
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    gap: 10px;
    padding-block: 6px;
    padding-inline: 6px 12px;
    border-radius: 999px;
    border: 1px solid var(--_line);
    background: var(--_surface);
    color: var(--_ink);
    cursor: pointer;
    font-weight: 600;
    min-height: 40px;
  }
  [part~='base']:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  [part~='base'][aria-disabled='true'] {
    cursor: not-allowed;
  }
  [part~='track'] {
    position: relative;
    flex: none;
    width: 44px;
    height: 26px;
    border-radius: 999px;
    background: var(--_surface-3);
    border: 1px solid var(--_line);
  }
  [part~='thumb'] {
    position: absolute;
    inset-block-start: 2px;
    inset-inline-start: 2px;
    width: 20px;
    height: 20px;
    border-radius: 50%;
    background: var(--_surface);
    box-shadow: 0 1px 3px rgb(0 0 0 / 0.3);
    display: grid;
    place-items: center;
    font-size: 12px;
    color: var(--_ink-2);
    transition: inset-inline-start var(--_transition);
  }
  [aria-checked='true'] [part~='track'] {
    background: var(--_accent);
    border-color: var(--_accent);
  }
  [aria-checked='true'] [part~='thumb'] {
    inset-inline-start: 20px;
    color: var(--_accent);
  }
  [part~='label'] {
    display: grid;
    text-align: start;
  }
  [part~='hint'] {
    font-weight: 400;
    font-size: 0.86em;
    color: var(--_ink-2);
  }
`;

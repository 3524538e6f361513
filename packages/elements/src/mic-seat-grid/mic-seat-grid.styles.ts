import { css } from 'lit';

export const gridStyles = css`
  :host {
    display: block;
    position: relative;
    container: micseat-grid / inline-size;
    padding: var(--_gap);
    border-radius: var(--_radius);
    background: var(--_surface);
    border: 1px solid var(--_line);
  }
  [part~='base'] {
    display: grid;
    grid-template-columns: repeat(var(--_columns, 4), minmax(0, 1fr));
    justify-items: center;
    row-gap: var(--_gap);
    column-gap: 4px;
  }
  [part~='host'] {
    grid-column: 1 / -1;
  }
  :host([layout='duo']) [part~='base'] {
    --_columns: 2;
    --micseat-avatar-size: var(--micseat-duo-avatar-size, 96px);
  }
  :host([layout='duo']) [part~='host'] {
    grid-column: auto;
  }
  :host([layout='large']) [part~='base'] {
    grid-template-columns: repeat(auto-fill, minmax(var(--micseat-large-seat-width, 84px), 1fr));
    --micseat-avatar-size: var(--micseat-large-avatar-size, 48px);
  }
  /* Narrow hosts (phones, side panels): smaller tiles so four fit on a row. */
  @container micseat-grid (max-width: 460px) {
    [part~='base'] {
      --micseat-avatar-size: var(--micseat-compact-avatar-size, 52px);
      --micseat-seat-width: calc(var(--micseat-avatar-size) + 40px);
    }
  }
  [part~='notice'] {
    position: absolute;
    inset-inline: var(--_gap);
    inset-block-end: var(--_gap);
    z-index: 6;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 10px 12px;
    border-radius: var(--_radius-sm);
    background: var(--_warning-soft);
    border: 1px solid var(--_warning);
    color: var(--_ink);
    box-shadow: var(--_shadow);
  }
  [part~='notice'] .text {
    flex: 1 1 12em;
  }
`;

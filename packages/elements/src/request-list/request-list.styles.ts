import { css } from 'lit';

export const listStyles = css`
  :host {
    display: block;
    container: micseat-requests / inline-size;
    --_list-height: var(--micseat-request-list-height, 360px);
    --_row-height: var(--micseat-request-row-height, 60px);
  }
  [part~='base'] {
    border-radius: var(--_radius);
    border: 1px solid var(--_line);
    background: var(--_surface);
    overflow: hidden;
  }
  [part~='header'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 10px 12px;
    border-block-end: 1px solid var(--_line);
    background: var(--_surface-2);
  }
  [part~='title'] {
    margin: 0;
    font-size: 1em;
    font-weight: 700;
    display: flex;
    align-items: center;
    gap: 8px;
    flex: 1 1 auto;
  }
  [part~='actions'] {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  /* One fixed height for the queue and the "recently handled" lines together: a verdict
     appearing takes room from the list, and nothing outside the element moves. */
  .body {
    height: var(--_list-height);
    display: flex;
    flex-direction: column;
  }
  [part~='list'] {
    flex: 1 1 0;
    min-height: 0;
    overflow: auto;
  }
  lit-virtualizer {
    contain: strict;
  }
  [part~='empty'] {
    flex: 1 1 0;
    min-height: 0;
    display: grid;
    place-items: center;
    color: var(--_ink-2);
  }
  [part~='row'] {
    box-sizing: border-box;
    width: 100%;
    height: var(--_row-height);
    display: grid;
    grid-template-columns: 2.4em 36px minmax(0, 1fr) auto;
    align-items: center;
    gap: 10px;
    padding: 0 12px;
    border-block-end: 1px solid var(--_line);
  }
  [part~='position'] {
    font-variant-numeric: tabular-nums;
    font-weight: 700;
    color: var(--_ink-2);
    text-align: end;
  }
  /* Each piece of the line stays whole (no "waiti…"); the pieces wrap onto a second line. */
  [part~='meta'] {
    display: flex;
    flex-wrap: wrap;
    column-gap: 0.3em;
    font-variant-numeric: tabular-nums;
    line-height: 1.25;
    white-space: nowrap;
  }
  [part~='row'] .btn .icon {
    display: none;
  }
  /* Narrow lists (phones, side panels): icon buttons (their names stay for screen readers), the
     waiting time left out (the position says the order), a slimmer position column. */
  @container micseat-requests (max-width: 480px) {
    [part~='row'] {
      grid-template-columns: 1.4em 28px minmax(0, 1fr) auto;
      gap: 8px;
      padding: 0 8px;
      --_avatar-size: 28px;
    }
    [part~='meta'] .waiting {
      display: none;
    }
    [part~='row'] .btn {
      width: 34px;
      padding: 0;
    }
    [part~='row'] .btn .icon {
      display: block;
      width: 18px;
      height: 18px;
    }
    [part~='row'] .btn .label {
      display: none;
    }
  }
  [part~='time-left'].soon {
    color: var(--_danger);
    font-weight: 600;
  }
  .row-actions {
    display: flex;
    gap: 6px;
  }
  [part~='recent'] {
    margin: 0;
    padding: 8px 12px;
    list-style: none;
    border-block-start: 1px solid var(--_line);
    background: var(--_surface-2);
    color: var(--_ink-2);
    font-size: 0.86em;
    display: grid;
    gap: 2px;
    flex: none;
    max-height: 7.5em;
    overflow: auto;
  }
  [part~='recent'] h3 {
    margin: 0 0 2px;
    font-size: 1em;
  }
`;

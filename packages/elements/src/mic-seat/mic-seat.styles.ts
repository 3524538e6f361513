import { css } from 'lit';

export const seatStyles = css`
  :host {
    --_avatar-size: var(--micseat-avatar-size, 64px);
    --_seat-width: var(--micseat-seat-width, calc(var(--_avatar-size) + 40px));
    --_ring: var(--micseat-speaking-ring, 4px);
    display: inline-block;
    position: relative;
    /* Never wider than its grid cell; the tile's own width picks its look (container query). */
    width: min(var(--_seat-width), 100%);
    container: micseat-seat / inline-size;
    vertical-align: top;
  }
  [part~='base'] {
    all: unset;
    box-sizing: border-box;
    display: grid;
    /* Fixed rows (the status has room for two lines) so no state moves the tile. */
    grid-template-rows: var(--_avatar-size) 1.35em auto;
    justify-items: center;
    align-items: center;
    row-gap: 6px;
    width: 100%;
    padding: 10px 4px 8px;
    border-radius: var(--_radius);
    cursor: default;
    text-align: center;
  }
  [part~='base'].actionable {
    cursor: pointer;
  }
  [part~='base'].actionable:hover {
    background: var(--_surface-2);
  }
  [part~='base']:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  [part~='avatar'] {
    position: relative;
    width: var(--_avatar-size);
    height: var(--_avatar-size);
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--_surface-2);
    color: var(--_ink-2);
    font-size: calc(var(--_avatar-size) * 0.36);
    font-weight: 700;
    box-shadow: 0 0 0 0 transparent;
    transition: box-shadow 90ms linear;
  }
  .empty [part~='avatar'] {
    border: 2px dashed var(--_line);
    background: transparent;
  }
  .empty.actionable [part~='avatar'] {
    border-color: var(--_accent);
    color: var(--_accent);
  }
  .locked [part~='avatar'] {
    background: var(--_surface-3);
  }
  .reserved [part~='avatar'] {
    border: 2px dashed var(--_warning);
    color: var(--_warning);
    background: var(--_warning-soft);
  }
  .reconnecting [part~='avatar'] {
    background: var(--_surface-3);
    color: var(--_ink-2);
    border: 2px dashed var(--_ink-2);
  }
  .occupied [part~='avatar'] {
    background: oklch(0.47 0.13 var(--_hue, 250));
    color: #fff;
  }
  .speaking [part~='avatar'] {
    box-shadow:
      0 0 0 calc(2px + var(--_level, 0) * var(--_ring)) var(--_surface),
      0 0 0 calc(4px + var(--_level, 0) * var(--_ring) * 1.5) var(--_speaking);
  }
  [part~='avatar'] img {
    width: 100%;
    height: 100%;
    border-radius: 50%;
    object-fit: cover;
  }
  [part~='avatar'] .icon {
    width: 40%;
    height: 40%;
  }
  [part~='badge'] {
    position: absolute;
    inset-block-end: -6px;
    inset-inline-start: 50%;
    transform: translateX(-50%);
    padding: 1px 7px;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-ink);
    font-size: 11px;
    font-weight: 700;
    line-height: 16px;
    white-space: nowrap;
  }
  :host(:dir(rtl)) [part~='badge'] {
    transform: translateX(50%);
  }
  /* The mic sits on the circle's edge, clear of the (centred) initials. */
  [part~='mic'] {
    position: absolute;
    inset-block-start: -6px;
    inset-inline-end: -6px;
    width: clamp(16px, calc(var(--_avatar-size) * 0.3), 24px);
    height: clamp(16px, calc(var(--_avatar-size) * 0.3), 24px);
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: var(--_surface);
    color: var(--_ink-2);
    border: 1px solid var(--_line);
    font-size: 0.9em;
  }
  [part~='mic'] .icon {
    width: 60%;
    height: 60%;
  }
  [part~='mic'].on {
    color: var(--_speaking);
  }
  [part~='mic'].muted,
  [part~='mic'].denied,
  [part~='mic'].no-device {
    color: var(--_danger);
    border-color: var(--_danger);
  }
  [part~='name'] {
    display: flex;
    justify-content: center;
    max-width: 100%;
    min-width: 0;
    font-weight: 600;
    line-height: 1.35em;
    white-space: nowrap;
  }
  /* Only the name itself shortens; "(you)" always shows. */
  [part~='name'] .who {
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
  }
  [part~='name'] .you {
    flex: none;
  }
  [part~='status'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    align-content: flex-start;
    column-gap: 0.35em;
    max-width: 100%;
    height: 2.6em;
    color: var(--_ink-2);
    font-size: 0.86em;
    line-height: 1.3em;
    text-align: center;
  }
  /* A state label wraps (never cut); a word longer than the tile breaks rather than hides. */
  [part~='status'] .label {
    min-width: 0;
    overflow-wrap: anywhere;
  }
  [part~='status'] .with-count {
    display: contents;
  }
  [part~='countdown'] {
    flex: none;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
    color: var(--_warning);
    font-weight: 600;
  }
  /* Narrow tiles: a state with a countdown keeps the countdown; its icon (clock, dashed ring) and
     the tile's accessible name say which state it is. */
  @container micseat-seat (max-width: 88px) {
    [part~='status'] {
      font-size: 0.8em;
    }
    [part~='status'] .with-count .label {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  }
  .reserved [part~='countdown'],
  .reconnecting [part~='countdown'] {
    color: var(--_ink);
  }
  .pending [part~='avatar'] {
    border-style: solid;
    animation: pulse 1.6s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      box-shadow: 0 0 0 6px var(--_accent-soft);
    }
  }
  [part~='menu'] {
    position: absolute;
    z-index: 10;
    inset-block-start: calc(var(--_avatar-size) + 18px);
    inset-inline-start: 50%;
    transform: translateX(-50%);
    min-width: 190px;
    max-height: 280px;
    overflow: auto;
    padding: 6px;
    border-radius: var(--_radius-sm);
    background: var(--_surface);
    color: var(--_ink);
    border: 1px solid var(--_line);
    box-shadow: var(--_shadow), 0 10px 30px rgb(0 0 0 / 0.18);
  }
  :host(:dir(rtl)) [part~='menu'] {
    transform: translateX(50%);
  }
  /* In the top layer (popover): placed by the menu controller next to the seat, inside the viewport. */
  [part~='menu'][popover]:popover-open {
    position: fixed;
    inset: auto;
    margin: 0;
    transform: none;
  }
  [part~='menu-item'] {
    all: unset;
    box-sizing: border-box;
    display: flex;
    align-items: center;
    gap: 8px;
    width: 100%;
    padding: 8px 10px;
    border-radius: 6px;
    cursor: pointer;
    white-space: nowrap;
  }
  [part~='menu-item']:hover,
  [part~='menu-item']:focus-visible {
    background: var(--_accent-soft);
    outline: none;
  }
  [part~='menu-item'].danger {
    color: var(--_danger);
  }
  [part~='menu-item'][aria-disabled='true'] {
    color: var(--_ink-2);
    cursor: default;
  }
  .menu-title {
    padding: 4px 10px 6px;
    color: var(--_ink-2);
    font-size: 0.86em;
  }
  @media (prefers-reduced-motion: reduce) {
    .pending [part~='avatar'] {
      animation: none;
    }
  }
`;

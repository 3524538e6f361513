import { css } from 'lit';

export const seatStyles = css`
  :host {
    --_avatar-size: var(--micseat-avatar-size, 72px);
    --_seat-width: var(--micseat-seat-width, max(calc(var(--_avatar-size) + 36px), 8.5em));
    --_ring: var(--micseat-speaking-ring, 4px);
    display: inline-block;
    position: relative;
    /* Never wider than its cell; the tile's own width picks its look (container query). A definite
       width first: a size container whose width came from its content would be 0 wide. */
    width: var(--_seat-width);
    max-width: 100%;
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
    background: color-mix(in srgb, var(--_ink) 9%, transparent);
    color: var(--_ink-2);
    font-size: calc(var(--_avatar-size) * 0.4);
    font-weight: 700;
  }
  /* Empty: a quiet disc with "+", brighter where a tap takes or asks for it. */
  .empty.actionable [part~='avatar'] {
    color: var(--_accent);
    box-shadow: inset 0 0 0 1.5px color-mix(in srgb, var(--_accent) 45%, transparent);
  }
  .locked [part~='avatar'] {
    background: color-mix(in srgb, var(--_ink) 4%, transparent);
    color: color-mix(in srgb, var(--_ink-2) 70%, transparent);
  }
  .reserved [part~='avatar'] {
    color: var(--_warning);
    background: var(--_warning-soft);
    box-shadow: inset 0 0 0 2px var(--_warning);
  }
  .reconnecting [part~='avatar'] {
    opacity: 0.55;
    box-shadow: inset 0 0 0 2px var(--_ink-2);
  }
  .occupied [part~='avatar'],
  .reconnecting [part~='avatar'] {
    background: oklch(0.47 0.13 var(--_hue, 250));
    color: #fff;
  }
  /* Speaking: a wave around the avatar, as wide as the voice is loud (--_level, 0..1), and a ripple
     leaving it; under reduced motion only the ring, still. */
  [part~='avatar']::before,
  [part~='avatar']::after {
    content: '';
    position: absolute;
    inset: calc(-1 * var(--_ring) - 2px);
    border-radius: 50%;
    border: var(--_ring) solid var(--_speaking);
    opacity: 0;
    pointer-events: none;
  }
  .speaking [part~='avatar']::before {
    opacity: calc(0.55 + var(--_level, 0) * 0.45);
    transform: scale(calc(1 + var(--_level, 0) * 0.12));
    transition: transform 90ms linear;
  }
  .speaking [part~='avatar']::after {
    animation: ripple 1.3s ease-out infinite;
  }
  @keyframes ripple {
    from {
      opacity: 0.6;
      transform: scale(1);
    }
    to {
      opacity: 0;
      transform: scale(calc(1.2 + var(--_level, 0) * 0.25));
    }
  }
  [part~='seat-number'],
  [part~='crown'] {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-start: -4px;
    min-width: 18px;
    height: 18px;
    padding: 0 4px;
    border-radius: 999px;
    display: grid;
    place-items: center;
    background: var(--_surface-3);
    color: var(--_ink);
    font-size: 11px;
    line-height: 1;
    font-variant-numeric: tabular-nums;
  }
  [part~='crown'] {
    padding: 0;
    width: 22px;
    height: 22px;
    color: var(--_crown);
    background: var(--_surface-2);
  }
  [part~='crown'] .icon {
    width: 14px;
    height: 14px;
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
    /* keeps the space in " (you)" (a flex item's edge spaces are dropped otherwise) */
    white-space: pre;
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
  @container micseat-seat (max-width: 100px) {
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
  @media (prefers-reduced-motion: reduce) {
    .pending [part~='avatar'],
    .speaking [part~='avatar']::after {
      animation: none;
    }
    .speaking [part~='avatar']::before {
      transform: none;
    }
  }
`;

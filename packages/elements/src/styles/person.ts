/**
 * A person in a list (`<request-list>` rows, `<connected-users>`): the coloured initials circle
 * (`--_hue` per person, `--_avatar-size`), the name that shortens, and the grey line below it.
 */
import { css } from 'lit';

export const personStyles = css`
  [part~='avatar'] {
    width: var(--_avatar-size, 36px);
    height: var(--_avatar-size, 36px);
    border-radius: 50%;
    display: grid;
    place-items: center;
    background: oklch(0.47 0.13 var(--_hue, 250));
    color: #fff;
    font-weight: 700;
    font-size: calc(var(--_avatar-size, 36px) * 0.4);
  }
  .who {
    display: grid;
    min-width: 0;
  }
  [part~='name'] {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='meta'] {
    color: var(--_ink-2);
    font-size: 0.86em;
  }
`;

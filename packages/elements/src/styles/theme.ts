/**
 * The default theme. Public knobs are `--micseat-*` custom properties (set them on any
 * ancestor); each element reads them once into private `--_*` variables with the defaults
 * below, so a whole subtree is themed from one place. Light and dark come from `light-dark()`
 * and `color-scheme`: the `theme` attribute (light | dark | auto) on `<micseat-room>` or any
 * element sets `--micseat-color-scheme`, which inherits; `auto` follows prefers-color-scheme.
 * Without it the look is the dark stage of a live audio room.
 */
import { css, unsafeCSS } from 'lit';

/** token: [public knob, light default, dark default] */
export const TOKENS = {
  surface: ['--micseat-surface', '#ffffff', '#1e1834'],
  'surface-2': ['--micseat-surface-raised', '#f3f1fa', '#2c2547'],
  'surface-3': ['--micseat-surface-sunken', '#e6e2f2', '#372f57'],
  ink: ['--micseat-ink', '#1b1830', '#f4f1ff'],
  'ink-2': ['--micseat-ink-muted', '#555070', '#b9b1d6'],
  line: ['--micseat-line', '#d6d2e6', '#463d68'],
  accent: ['--micseat-accent', '#5b4bdb', '#a99cff'],
  'accent-ink': ['--micseat-accent-ink', '#ffffff', '#16132e'],
  'accent-soft': ['--micseat-accent-soft', '#ebe8ff', '#3a3170'],
  speaking: ['--micseat-speaking', '#0f8a58', '#3ddc97'],
  danger: ['--micseat-danger', '#c62a3f', '#ff8a98'],
  'danger-soft': ['--micseat-danger-soft', '#fde8eb', '#4a1f33'],
  warning: ['--micseat-warning', '#9a5600', '#ffc266'],
  'warning-soft': ['--micseat-warning-soft', '#fff1dc', '#4a3614'],
  focus: ['--micseat-focus-ring', '#2f6fed', '#8fb4ff'],
  crown: ['--micseat-crown', '#b07800', '#ffd05a'],
} as const;

const colorVars = Object.entries(TOKENS)
  .map(([name, [knob, light, dark]]) => `--_${name}: var(${knob}, light-dark(${light}, ${dark}));`)
  .join('\n');

export const themeStyles = css`
  :host {
    /* The stage (dark) is the default look; theme="light" or "auto" (follow the system) change it. */
    color-scheme: var(--micseat-color-scheme, dark);
    ${unsafeCSS(colorVars)}
    --_radius: var(--micseat-radius, 14px);
    --_radius-sm: var(--micseat-radius-small, 8px);
    --_font: var(--micseat-font, system-ui, -apple-system, 'Segoe UI', Roboto, 'PingFang SC', 'Noto Sans CJK SC', sans-serif);
    --_font-size: var(--micseat-font-size, 14px);
    --_gap: var(--micseat-gap, 12px);
    --_shadow: var(--micseat-shadow, 0 1px 2px rgb(0 0 0 / 0.08), 0 4px 14px rgb(0 0 0 / 0.06));
    --_transition: var(--micseat-transition, 160ms ease);
    font-family: var(--_font);
    font-size: var(--_font-size);
    color: var(--_ink);
    box-sizing: border-box;
  }
  :host([theme='light']) {
    --micseat-color-scheme: light;
  }
  :host([theme='dark']) {
    --micseat-color-scheme: dark;
  }
  :host([theme='auto']) {
    --micseat-color-scheme: light dark;
  }
  :host([hidden]) {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  @media (prefers-reduced-motion: reduce) {
    :host {
      --_transition: 0s;
    }
  }
`;

/** Buttons, visually hidden text and focus rings shared by the elements. */
export const controlStyles = css`
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  button {
    font: inherit;
    color: inherit;
  }
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 6px;
    min-height: 36px;
    padding: 0 14px;
    border-radius: 999px;
    border: 1px solid var(--_line);
    background: var(--_surface);
    color: var(--_ink);
    font-weight: 600;
    cursor: pointer;
    white-space: nowrap;
  }
  .btn:hover {
    background: var(--_surface-2);
  }
  .btn.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-ink);
  }
  .btn.primary:hover {
    filter: brightness(1.06);
  }
  .btn.danger {
    color: var(--_danger);
    border-color: currentColor;
  }
  .btn.danger:hover {
    background: var(--_danger-soft);
  }
  .btn.small {
    min-height: 30px;
    padding: 0 10px;
    font-size: 0.92em;
  }
  .btn[aria-disabled='true'],
  .btn:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .badge {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 1.6em;
    height: 1.6em;
    padding: 0 0.45em;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_accent-ink);
    font-size: 0.8em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .tabular {
    font-variant-numeric: tabular-nums;
  }
  /* Outside any room: the element says so (on its own surface: it may sit on any page). */
  [part~='no-room'] {
    margin: 0;
    padding: 8px 12px;
    border-radius: var(--_radius-sm);
    border: 1px dashed var(--_danger);
    background: var(--_surface);
    color: var(--_ink);
  }
`;

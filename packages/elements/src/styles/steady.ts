/**
 * Text that changes with the state inside a box that does not: the shown text, with every other
 * text it can become drawn invisibly in the same grid cell, so the box is as large as the largest
 * and switching between them moves nothing around it (the layout does not jump). The others are
 * CSS content of hidden boxes: not in the element's text, nor read by assistive technology.
 */
import { css, html, type TemplateResult } from 'lit';

export const steady = (shown: unknown, all: readonly string[]): TemplateResult =>
  html`<span class="steady"><span>${shown}</span>${all.map((t) => html`<span class="steady-ghost" data-text=${t}></span>`)}</span>`;

export const steadyStyles = css`
  .steady {
    display: inline-grid;
  }
  .steady > * {
    grid-area: 1 / 1;
  }
  .steady-ghost {
    visibility: hidden;
  }
  .steady-ghost::before {
    content: attr(data-text);
  }
`;

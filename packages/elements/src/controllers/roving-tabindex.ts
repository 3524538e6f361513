/**
 * Roving tabindex: one tab stop for a group of items; arrow keys move focus (in two dimensions
 * when the items wrap into rows), Home/End jump to the ends. Direction-aware (RTL swaps left
 * and right). Items may be plain focusable elements or elements with their own `rovingTabIndex`
 * property (e.g. an element whose focusable button lives in its shadow root).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface RovingItem extends HTMLElement {
  rovingTabIndex?: number;
}

export interface RovingOptions {
  /** The items, in reading order. */
  items: () => RovingItem[];
  /** Whether arrow keys move in two dimensions (rows measured from layout). Default true. */
  grid?: boolean;
}

export class RovingTabindexController implements ReactiveController {
  /** Index of the item that holds the tab stop. */
  active = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: RovingOptions,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    this.apply();
  }

  /** Makes `index` the tab stop (and focuses it when `focus` is true). */
  setActive(index: number, focus = false): void {
    const items = this.options.items();
    if (items.length === 0) return;
    this.active = Math.max(0, Math.min(items.length - 1, index));
    this.apply();
    if (focus) items[this.active]!.focus();
  }

  /** Call when an item gets focus by other means (click), so the tab stop follows it. */
  focusin = (e: FocusEvent): void => {
    const items = this.options.items();
    const path = e.composedPath();
    const i = items.findIndex((item) => path.includes(item));
    if (i >= 0 && i !== this.active) {
      this.active = i;
      this.apply();
    }
  };

  keydown = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const items = this.options.items();
    if (items.length === 0) return;
    const path = e.composedPath();
    const from = items.findIndex((item) => path.includes(item));
    if (from < 0) return;
    const rtl = getComputedStyle(this.host).direction === 'rtl';
    let to: number;
    switch (e.key) {
      case 'ArrowRight':
        to = from + (rtl ? -1 : 1);
        break;
      case 'ArrowLeft':
        to = from + (rtl ? 1 : -1);
        break;
      case 'ArrowDown':
        to = this.options.grid === false ? from + 1 : verticalNeighbour(items, from, 1);
        break;
      case 'ArrowUp':
        to = this.options.grid === false ? from - 1 : verticalNeighbour(items, from, -1);
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = items.length - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    if (to < 0 || to >= items.length) to = Math.max(0, Math.min(items.length - 1, to));
    this.setActive(to, true);
  };

  private apply(): void {
    const items = this.options.items();
    if (this.active >= items.length) this.active = Math.max(0, items.length - 1);
    items.forEach((item, i) => {
      const value = i === this.active ? 0 : -1;
      if ('rovingTabIndex' in item) item.rovingTabIndex = value;
      else item.tabIndex = value;
    });
  }
}

/** The item in the next row up or down whose centre is nearest horizontally (or `from`). */
function verticalNeighbour(items: HTMLElement[], from: number, dir: 1 | -1): number {
  const rects = items.map((item) => item.getBoundingClientRect());
  const here = rects[from]!;
  const cx = here.left + here.width / 2;
  let bestRow = Infinity;
  let best = from;
  let bestDx = Infinity;
  rects.forEach((r, i) => {
    const dy = (r.top - here.top) * dir;
    if (dy <= 2) return;
    const dx = Math.abs(r.left + r.width / 2 - cx);
    if (dy < bestRow - 2 || (Math.abs(dy - bestRow) <= 2 && dx < bestDx)) {
      bestRow = Math.min(bestRow, dy);
      best = i;
      bestDx = dx;
    }
  });
  return best;
}

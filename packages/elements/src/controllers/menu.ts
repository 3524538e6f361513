/**
 * An action menu owned by an element (a seat's moderator menu, a person's row actions): panels
 * of items, keyboard per the ARIA menu pattern (arrows through the roving tabindex controller,
 * Home/End, Escape back then closed with focus returned, Tab closes), closed by a pointer
 * outside, and placed in the top layer (popover) next to its trigger, kept inside the viewport
 * — never clipped by a scrolling pane or pushed off the edge. The markup stays in the host's
 * shadow root, so its parts (`menu`, `menu-item`) style as before.
 */
import { css, html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { classMap } from 'lit/directives/class-map.js';
import { RovingTabindexController } from './roving-tabindex.js';

export type MenuEntry<P extends string> =
  /** Does something, then the menu closes. `part` adds names to `menu-item` (e.g. `invite`). */
  | {
      readonly label: string;
      readonly run: () => void;
      readonly danger?: boolean;
      readonly part?: string;
      readonly ariaLabel?: string;
    }
  /** Opens another panel of the same menu. */
  | { readonly label: string; readonly panel: P }
  /** Says why there is nothing to pick. */
  | { readonly label: string; readonly disabled: true };

type Host = ReactiveControllerHost & HTMLElement;

/** Space kept between the menu and the viewport's edges, and between the menu and its trigger. */
const MARGIN = 8;
const GAP = 4;

export class MenuController<P extends string> implements ReactiveController {
  /** The open panel, or null when closed. */
  panel: P | null = null;
  private readonly roving: RovingTabindexController;

  constructor(
    private readonly host: Host,
    /** The element the menu opens from (focus returns to it). */
    private readonly trigger: () => HTMLElement | null | undefined,
  ) {
    host.addController(this);
    this.roving = new RovingTabindexController(host, { items: () => this.items(), grid: false });
  }

  private get root(): ShadowRoot | null {
    return this.host.shadowRoot;
  }

  private menuEl(): HTMLElement | null {
    return this.root?.querySelector<HTMLElement>('[part~="menu"]') ?? null;
  }

  items(): HTMLElement[] {
    if (this.panel === null || !this.root) return [];
    return [...this.root.querySelectorAll<HTMLElement>('[part~="menu-item"]')];
  }

  /** Opens `panel` with focus on its first item. */
  open(panel: P): void {
    this.panel = panel;
    this.host.requestUpdate();
    void this.host.updateComplete.then(() => this.roving.setActive(0, true));
  }

  close(refocus = true): void {
    if (this.panel === null) return;
    this.panel = null;
    this.host.requestUpdate();
    if (refocus) void this.host.updateComplete.then(() => this.trigger()?.focus());
  }

  private onKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      if (this.panel !== this.firstPanel) this.open(this.firstPanel!);
      else this.close();
      return;
    }
    if (e.key === 'Tab') {
      this.close(false);
      return;
    }
    // A vertical menu: left/right do nothing here (and must not reach a grid's roving keys).
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    this.roving.keydown(e);
    if (e.defaultPrevented) e.stopPropagation();
  };

  private onPointer = (e: Event): void => {
    if (this.panel !== null && !e.composedPath().includes(this.host)) this.close(false);
  };

  private onViewportChange = (): void => {
    if (this.panel !== null) this.place();
  };

  hostConnected(): void {
    document.addEventListener('pointerdown', this.onPointer);
    window.addEventListener('resize', this.onViewportChange);
    document.addEventListener('scroll', this.onViewportChange, true);
  }

  hostDisconnected(): void {
    document.removeEventListener('pointerdown', this.onPointer);
    window.removeEventListener('resize', this.onViewportChange);
    document.removeEventListener('scroll', this.onViewportChange, true);
  }

  hostUpdated(): void {
    if (this.panel !== null) this.place();
  }

  /** Puts the menu under its trigger (above it when there is no room below), inside the viewport. */
  private place(): void {
    const menu = this.menuEl();
    const trigger = this.trigger();
    if (!menu || !trigger) return;
    try {
      if (!menu.matches(':popover-open')) menu.showPopover();
    } catch {
      // No popover API: the menu stays absolutely positioned in its host (CSS fallback).
      return;
    }
    const t = trigger.getBoundingClientRect();
    const vw = document.documentElement.clientWidth;
    const vh = document.documentElement.clientHeight;
    const m = menu.getBoundingClientRect();
    const width = Math.min(m.width, vw - 2 * MARGIN);
    const left = Math.max(MARGIN, Math.min(t.left + t.width / 2 - width / 2, vw - width - MARGIN));
    let top = t.bottom + GAP;
    if (top + m.height > vh - MARGIN && t.top - GAP - m.height >= MARGIN) top = t.top - GAP - m.height;
    top = Math.max(MARGIN, Math.min(top, vh - m.height - MARGIN));
    menu.style.left = `${Math.round(left)}px`;
    menu.style.top = `${Math.round(top)}px`;
    menu.style.maxWidth = `${vw - 2 * MARGIN}px`;
  }

  private firstPanel: P | null = null;

  /** The open panel's markup (nothing when closed). `first` is the panel Escape goes back to. */
  render(title: string, entries: readonly MenuEntry<P>[], first: P): TemplateResult | typeof nothing {
    this.firstPanel = first;
    if (this.panel === null) return nothing;
    const items = entries.map((e) => {
      if ('run' in e) {
        return html`<button part="menu-item ${e.part ?? ''}" role="menuitem" tabindex="-1" class=${classMap({ danger: !!e.danger })}
          aria-label=${e.ariaLabel ?? nothing} @click=${() => {
            this.close();
            e.run();
          }}>${e.label}</button>`;
      }
      if ('panel' in e) {
        return html`<button part="menu-item" role="menuitem" aria-haspopup="menu" tabindex="-1" @click=${() => this.open(e.panel)}>${e.label}</button>`;
      }
      return html`<button part="menu-item" role="menuitem" tabindex="-1" aria-disabled="true">${e.label}</button>`;
    });
    return html`<div part="menu" role="menu" popover="manual" aria-label=${title} @keydown=${this.onKeydown}>${items}</div>`;
  }
}

/** The menu's look, shared by every element that has one (parts `menu`, `menu-item`). */
export const menuStyles = css`
  [part~='menu'] {
    /* Without the popover API it opens in place, under its trigger. */
    position: absolute;
    z-index: 10;
    inset-inline-end: 0;
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
  /* In the top layer: placed by MenuController next to its trigger, inside the viewport. */
  [part~='menu'][popover]:popover-open {
    position: fixed;
    inset: auto;
    margin: 0;
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
`;

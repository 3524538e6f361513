/**
 * @micseat/elements — Lit web components for live audio rooms. Importing this module registers
 * every tag (each guarded by `customElements.get`); import a single element's module to
 * register only that one.
 */
export * from './kit.js';
export { RoomInspector } from './room-inspector/room-inspector.js';

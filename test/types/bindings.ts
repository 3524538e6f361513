/**
 * Type-level tests of the generated framework bindings (checked by the typecheck, `tsc --noEmit`,
 * which fails on an unused @ts-expect-error as on any error): props and event callbacks are typed
 * from the elements themselves.
 */
import { createElement } from 'react';
import type { WantedSeat } from '@micseat/core';
import { CohostRequestButton, MicSeatGrid, RequestList, MicseatRoom } from '@micseat/react';
import type {} from '@micseat/react/jsx';
import type {} from '@micseat/elements/vue';
import type { GlobalComponents } from 'vue';

// React wrappers: typed onX callbacks (the detail of the event the element dispatches) and props.
createElement(CohostRequestButton, {
  camera: true,
  onSeatRequest: (e) => {
    const seat: WantedSeat = e.detail.seat;
    void seat;
  },
});
createElement(RequestList, { onRequestAccept: (e) => void e.detail.requestId.toUpperCase() });
createElement(MicSeatGrid, { layout: 'group', noHost: true });
createElement(MicseatRoom, { name: 'Alice', lang: 'zh' });
// @ts-expect-error the detail of seat-request has no requestId
createElement(CohostRequestButton, { onSeatRequest: (e) => void e.detail.requestId });
// @ts-expect-error camera is a boolean
createElement(CohostRequestButton, { camera: 'yes' });
// @ts-expect-error no such event callback
createElement(MicSeatGrid, { onRequestAccept: () => {} });

// JSX typings for the bare tags: React 19's on<event-name> props.
type Tags = React.JSX.IntrinsicElements;
const grid: Tags['mic-seat-grid'] = { layout: 'duo', 'onseat-take': (e) => void e.detail.seat.toFixed() };
// @ts-expect-error seat-take's detail has no mode
const bad: Tags['mic-seat-grid'] = { 'onseat-take': (e) => void e.detail.mode };
void grid;
void bad;

// Vue GlobalComponents: every tag, with its props and onX handlers.
type VueToggle = GlobalComponents['room-mode-toggle'];
const vueTags: (keyof GlobalComponents)[] = [
  'micseat-room',
  'mic-seat-grid',
  'cohost-request-button',
  'request-list',
  'room-mode-toggle',
];
void vueTags;
type VueProps = VueToggle extends new (...args: never[]) => { $props: infer P } ? P : never;
const vueProps: VueProps = { onModeChange: (e) => void e.detail.mode };
void vueProps;
// @ts-expect-error no such layout
createElement(MicSeatGrid, { layout: 'grid' });
// @ts-expect-error mode-change's detail has no seat (the Vue handler is typed, not any)
const vueBad: VueProps = { onModeChange: (e) => void e.detail.seat };
void vueBad;

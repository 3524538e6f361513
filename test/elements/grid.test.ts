import { expect, html } from '@open-wc/testing';
import type { MicSeat, MicSeatGrid } from '@micseat/elements';
import { closeRooms, hasState, makeRoom, part, until } from './helpers.js';

const seatsOf = (grid: MicSeatGrid) => [...grid.shadowRoot!.querySelectorAll<MicSeat>('mic-seat')];

describe('<mic-seat-grid>', () => {
  afterEach(closeRooms);

  it('renders the host and every empty seat, accessibly', async () => {
    const room = makeRoom({ seatCount: 4 });
    const host = await room.join('alice', 'host', html`<mic-seat-grid></mic-seat-grid>`);
    const grid = host.el.querySelector('mic-seat-grid')!;
    await until(() => seatsOf(grid).length === 5);
    const seats = seatsOf(grid);
    expect(hasState(seats[0]!, 'host')).to.equal(true);
    expect(hasState(seats[1]!, 'empty')).to.equal(true);
    await expect(grid).to.be.accessible();
  });
});

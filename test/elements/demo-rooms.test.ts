/**
 * Declarative demo rooms (packages/backend-memory/src/demo.ts): a CMS page wires rooms with
 * attributes alone, through the single-file bundle's entry.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { closeDemoRooms, connectDemoRooms } from '@micseat/backend-memory';
import '@micseat/elements';
import type { MicseatRoom } from '@micseat/elements';

const connectedOf = (el: Element) => (el as MicseatRoom).actor?.getSnapshot().value === 'connected';

describe('demo rooms wired by attributes', () => {
  afterEach(closeDemoRooms);

  it('the bundle entry connects every <micseat-room demo-room> on load; same name, same room', async () => {
    const page = await fixture(html`<div>
      <micseat-room demo-room="party" demo-user="alice" demo-role="host" demo-seats="4" name="Alice"><mic-seat-grid></mic-seat-grid></micseat-room>
      <micseat-room demo-room="party" demo-user="bob" name="Bob"><mic-seat-grid></mic-seat-grid></micseat-room>
      <micseat-room demo-room="other" name="Carol"></micseat-room>
    </div>`);
    await import('../../scripts/bundle-entry.js');
    const [alice, bob, carol] = [...page.querySelectorAll('micseat-room')] as MicseatRoom[];
    await waitUntil(() => connectedOf(alice!) && connectedOf(bob!) && connectedOf(carol!), 'all three connected');
    // Alice and Bob share one room of 4 seats, with Alice as its host; Carol is alone in hers.
    await waitUntil(() => !!bob!.actor!.getSnapshot().context.room?.members['alice'], 'bob sees alice');
    const room = bob!.actor!.getSnapshot().context.room!;
    expect(room.hostId).to.equal('alice');
    expect(room.config.seatCount).to.equal(4);
    expect(Object.keys(carol!.actor!.getSnapshot().context.room!.members)).to.have.length(1);
    // Running it again connects nothing twice.
    expect(connectDemoRooms(page).connected).to.have.length(0);
    // Guests without demo-user get ids that do not clash with named ones.
    const more = await fixture(html`<div>
      <micseat-room demo-room="third" demo-user="guest-2" name="Named"></micseat-room>
      <micseat-room demo-room="third" name="Anonymous"></micseat-room>
    </div>`);
    expect(connectDemoRooms(more).refused).to.deep.equal([]);
  });

  it('the CDN memory entry also connects demo rooms added after load', async () => {
    closeDemoRooms();
    await import('../../packages/cdn/src/memory.js');
    const page = await fixture(html`<div></div>`);
    page.innerHTML =
      '<section><micseat-room demo-room="cdn-late" demo-user="ann" demo-role="host" name="Ann"></micseat-room></section>';
    const late = page.querySelector('micseat-room')!;
    await waitUntil(() => connectedOf(late), 'a demo room added after load connects');
  });

  it('bad attributes are typed refusals; that element stays unconnected and the others connect', async () => {
    const page = await fixture(html`<div>
      <micseat-room demo-room="bad" demo-role="king" name="X"></micseat-room>
      <micseat-room demo-room="   " name="Y"></micseat-room>
      <micseat-room demo-room="seats" demo-seats="-3" name="Z"></micseat-room>
      <micseat-room demo-room="dup" demo-user="sam" name="Sam"></micseat-room>
      <micseat-room demo-room="dup" demo-user="sam" name="Sam again"></micseat-room>
      <micseat-room demo-room="${'x'.repeat(65)}" name="Long"></micseat-room>
      <micseat-room demo-room="dup" demo-seats="7" name="Other seat count"></micseat-room>
    </div>`);
    const events: string[] = [];
    page.addEventListener('attribute-error', (e) =>
      events.push((e as CustomEvent<{ attribute: string }>).detail.attribute),
    );
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args[0]);
    let wiring;
    try {
      wiring = connectDemoRooms(page);
    } finally {
      console.error = original;
    }
    const els = [...page.querySelectorAll('micseat-room')] as MicseatRoom[];
    expect(wiring.connected).to.deep.equal([els[3]]);
    expect(
      wiring.refused.map((r) => [els.indexOf(r.element as MicseatRoom), r.error.code, r.error.details?.['attribute']]),
    ).to.deep.equal([
      [0, 'invalid-command', 'demo-role'],
      [1, 'invalid-command', 'demo-room'],
      [2, 'invalid-command', 'demo-seats'],
      [4, 'id-conflict', 'demo-user'],
      [5, 'invalid-command', 'demo-room'],
      [6, 'invalid-command', 'demo-seats'],
    ]);
    expect(wiring.refused[0]!.error.message).to.contain('host, cohost, audience');
    expect(wiring.refused[5]!.error.message).to.contain('differs from demo room "dup"');
    expect(logged).to.have.length(6);
    // Each refused element also gets the elements' own attribute-error event.
    expect(events).to.deep.equal(['demo-role', 'demo-room', 'demo-seats', 'demo-user', 'demo-room', 'demo-seats']);
    for (const i of [0, 1, 2, 4, 5, 6]) expect(els[i]!.backend).to.equal(undefined);
    await waitUntil(() => connectedOf(els[3]!), 'the good one connects');
  });
});

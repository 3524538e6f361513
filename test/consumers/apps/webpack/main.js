// A webpack 5 app, plain JavaScript, using the published packages' dist/.
import '@micseat/elements';
import { createMemoryRoom } from '@micseat/backend-memory';

const room = createMemoryRoom({ config: { seatCount: 4 } });
document.body.innerHTML = `
  <micseat-room id="host" name="Alice"><mic-seat-grid></mic-seat-grid><request-list></request-list></micseat-room>
  <micseat-room id="listener" name="Bob"><mic-seat-grid></mic-seat-grid><cohost-request-button></cohost-request-button></micseat-room>`;
document.querySelector('#host').backend = room.join('alice', 'host');
document.querySelector('#listener').backend = room.join('bob', 'audience');

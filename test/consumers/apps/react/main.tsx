// A React 19 app using @micseat/react's wrappers: typed props (`backend`, `name`) and typed
// callbacks (`onSeatRequest`, `onRequestAccept`).
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createMemoryRoom } from '@micseat/backend-memory';
import { CohostRequestButton, MicSeatGrid, MicseatRoom, RequestList } from '@micseat/react';

const room = createMemoryRoom({ config: { seatCount: 4 } });
const host = room.join('alice', 'host');
const listener = room.join('bob', 'audience');

function App() {
  const [log, setLog] = useState<string[]>([]);
  return (
    <>
      <MicseatRoom id="host" backend={host} name="Alice">
        <MicSeatGrid />
        <RequestList onRequestAccept={(e) => setLog((l) => [...l, `accept ${e.detail.requestId.length > 0}`])} />
      </MicseatRoom>
      <MicseatRoom id="listener" backend={listener} name="Bob">
        <MicSeatGrid />
        <CohostRequestButton onSeatRequest={(e) => setLog((l) => [...l, `request ${e.detail.seat}`])} />
      </MicseatRoom>
      <output id="log">{log.join(', ')}</output>
    </>
  );
}

createRoot(document.getElementById('app')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

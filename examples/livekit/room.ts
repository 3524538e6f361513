/**
 * The quickstart page (`npm run livekit`): one person per tab. It asks the quickstart's token
 * endpoint for this person's LiveKit token (`/token?room=…&as=…`, minted with livekit-server-sdk as
 * in packages/backend-livekit/README.md) and gives <micseat-room> a LiveKit backend.
 */
import '@micseat/elements';
import type { MicseatRoom } from '@micseat/elements';
import { LiveKitRoomBackend } from '@micseat/backend-livekit';

interface TokenAnswer {
  ok: true;
  url: string;
  token: string;
  hostIdentity: string;
  identity: string;
  name: string;
  role: string;
}
interface TokenRefusal {
  ok: false;
  error: { code: string; message: string };
}

const status = document.getElementById('status')!;
const q = new URLSearchParams(location.search);
const answer = (await fetch(`/token?${new URLSearchParams({ room: q.get('room') ?? '', as: q.get('as') ?? '' })}`)
  .then((r) => r.json())
  .catch((e: unknown) => ({ ok: false, error: { code: 'unreachable', message: String(e) } }))) as
  TokenAnswer | TokenRefusal;

if (!answer.ok) {
  status.setAttribute('role', 'alert');
  status.textContent = `No token: ${answer.error.message}`;
} else {
  document.title = `${answer.name} (${answer.role}) — micseat on LiveKit`;
  document.getElementById('title')!.textContent = `${answer.name} (${answer.role}) in room “${q.get('room')}”`;
  status.textContent = `LiveKit server ${answer.url}`;
  const room = document.querySelector<MicseatRoom>('micseat-room')!;
  room.name = answer.name;
  room.backend = new LiveKitRoomBackend({ url: answer.url, token: answer.token, hostIdentity: answer.hostIdentity });
  room.hidden = false;
}

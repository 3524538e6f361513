/**
 * The quickstart page (`npm run livekit`): one person per tab. It asks the quickstart's token
 * endpoint for this person's LiveKit token (`/token?room=…&as=…`, minted with livekit-server-sdk as
 * in packages/backend-livekit/README.md, or by the room service with `--server`) and gives
 * <micseat-room> a LiveKit backend whose authority is the host's tab or the room service.
 */
import '@micseat/elements';
import type { MicseatRoom } from '@micseat/elements';
import { LiveKitRoomBackend } from '@micseat/backend-livekit';

interface TokenAnswer {
  ok: true;
  url: string;
  token: string;
  /** Who runs the room's authority: the host's tab, or the room service (`--server`). */
  authority: 'host' | 'server';
  hostIdentity: string;
  authorityIdentity?: string;
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
  status.textContent = `LiveKit server ${answer.url}${answer.authority === 'server' ? ', room service as the authority' : ''}`;
  const room = document.querySelector<MicseatRoom>('micseat-room')!;
  room.name = answer.name;
  room.backend =
    answer.authority === 'server'
      ? new LiveKitRoomBackend({
          url: answer.url,
          token: answer.token,
          authority: 'server',
          ...(answer.authorityIdentity ? { authorityIdentity: answer.authorityIdentity } : {}),
        })
      : new LiveKitRoomBackend({ url: answer.url, token: answer.token, hostIdentity: answer.hostIdentity });
  room.hidden = false;
}

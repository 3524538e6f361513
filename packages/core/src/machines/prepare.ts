/**
 * The `preparing` step shared by requests and invitations: open the mic (and camera), publish,
 * and tell the authority. If the mic fails the seat is given back, so nobody sits on a seat
 * with a dead microphone without knowing.
 */
import { fromPromise } from 'xstate';
import type { RoomBackend } from '../backend.js';
import { ok, type Result } from '../errors.js';
import type { MicReport } from '../schema.js';

export const prepareSeat = fromPromise(
  async ({ input }: { input: { backend: RoomBackend; camera: boolean; requestId?: string } }): Promise<Result> => {
    const { backend, camera } = input;
    // Every report names the accepted request it ends, so a reload after it does not prepare again.
    const of = input.requestId === undefined ? {} : { requestId: input.requestId };
    const mySeat = backend.room?.seats.find((s) => s.userId === backend.identity);
    if (mySeat?.muted) {
      // Seated on a seat the host muted: sit with the mic off; the host can release it later.
      await backend.send({ type: 'set-mic', mic: 'off', ...of });
      return ok({ mic: 'off' });
    }
    const media = await backend.media.setMic(true, { camera });
    if (!media.ok) {
      const report: MicReport =
        media.error.code === 'mic-denied' ? 'denied' : media.error.code === 'no-device' ? 'no-device' : 'off';
      await backend.send({ type: 'set-mic', mic: report, ...of });
      return media;
    }
    const told = await backend.send({ type: 'set-mic', mic: 'on', ...(camera ? { camera } : {}), ...of });
    if (!told.ok) {
      // e.g. muted by the host meanwhile: keep the seat, close the mic.
      await backend.media.setMic(false);
      await backend.send({ type: 'set-mic', mic: 'off', ...of });
      return ok({ mic: 'off' });
    }
    return ok({ mic: 'on' });
  },
);

export const rollbackSeat = fromPromise(async ({ input }: { input: { backend: RoomBackend } }) => {
  await input.backend.media.setMic(false);
  return input.backend.send({ type: 'leave-seat' });
});

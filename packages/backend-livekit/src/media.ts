/**
 * Media over LiveKit: the local mic (and camera), remote speakers played through audio
 * elements, levels, and autoplay. Subscription is the enforcement point of host-authority mode:
 * with autoSubscribe off, a client subscribes only to audio of identities that the
 * authoritative seat map shows seated, so someone publishing without a seat is heard by nobody
 * honest. In server-authority mode the LiveKit server enforces it too: a client may publish only
 * once the room's service has granted it (`canPublish`), so the mic waits for that grant, and a
 * grant taken away closes it.
 */
import { fail, ok, type MicReport, type Result, type RoomError, type RoomMedia, type RoomState } from '@micseat/core';
import {
  ParticipantEvent,
  RoomEvent,
  Track,
  type LocalTrackPublication,
  type Participant,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
  type Room,
} from 'livekit-client';

/** How often levels are measured (ms). */
const LEVEL_INTERVAL_MS = 100;
/** Per interval, a level falls to this fraction of itself unless something louder is measured. */
const LEVEL_DECAY = 0.7;

/** LiveKit's protocol enum for publish sources (livekit-client does not export it). */
const SOURCE_CAMERA = 1;
const SOURCE_MICROPHONE = 2;

/** Server-authority mode: publishing waits for the service's grant. */
export interface PublishGrantOptions {
  /** How long `setMic(true)` waits for the grant before failing with `timeout`. */
  grantWaitMs: number;
}

interface Meter {
  analyser: AnalyserNode;
  source: MediaStreamAudioSourceNode;
}

/** Maps a getUserMedia / publish failure to the contract's typed errors. */
export function mediaFailure(e: unknown): Result<never> {
  const name = (e as { name?: string })?.name ?? '';
  const message = String((e as { message?: string })?.message ?? e);
  if (name === 'NotAllowedError' || name === 'SecurityError' || /permission denied/i.test(message)) {
    return fail('mic-denied', 'Microphone permission was denied.', { cause: name || message });
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || /requested device not found/i.test(message)) {
    return fail('no-device', 'No microphone was found.', { cause: name || message });
  }
  return fail('media-failed', `The microphone could not be published: ${message}`, { cause: name || message });
}

export class LiveKitMedia implements RoomMedia {
  private room: Room | null = null;
  private seated = new Set<string>();
  /** Seated but muted by a moderator: kept subscribed (quick unmute), paused and silenced here. */
  private muted = new Set<string>();
  private readonly levelListeners = new Set<(levels: ReadonlyMap<string, number>) => void>();
  private readonly blockedListeners = new Set<(b: boolean) => void>();
  private readonly elements = new Map<string, HTMLMediaElement[]>();
  /** Remote audio tracks attached and metered here. */
  private readonly playing = new Map<RemoteTrack, string>();
  private readonly meters = new Map<string, Meter>();
  private readonly levels = new Map<string, number>();
  private context: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private blocked = false;
  private deviceId: string | undefined;
  private allowCamera = false;
  private readonly offs: (() => void)[] = [];
  private readonly micClosedListeners = new Set<(reason: RoomError) => void>();
  /** The mic was opened by setMic(true) and not closed since. */
  private micOpen = false;
  /** Server-authority mode: the server let this client publish at the last look. */
  private hadGrant = false;

  constructor(
    private readonly identity: () => string,
    /** Server-authority mode (null: the token's grant is all there is, as in host mode). */
    private readonly grant: PublishGrantOptions | null = null,
  ) {}

  /** Whether the LiveKit server lets this client publish `camera` or its microphone now. */
  mayPublish(camera = false): boolean {
    const p = this.room?.localParticipant.permissions;
    if (!p?.canPublish) return false;
    const sources = p.canPublishSources as readonly number[];
    return sources.length === 0 || sources.includes(camera ? SOURCE_CAMERA : SOURCE_MICROPHONE);
  }

  /**
   * Waits until the server grants publish (server-authority mode: the service grants it when it
   * seats this client, before the seat's delta goes out, but the grant reaches this client on
   * another path, so either may come first).
   */
  private async granted(room: Room, camera: boolean): Promise<boolean> {
    if (!this.grant || this.mayPublish(camera)) return true;
    const lp = room.localParticipant;
    return new Promise<boolean>((resolve) => {
      const done = (v: boolean) => {
        clearTimeout(timer);
        lp.off(ParticipantEvent.ParticipantPermissionsChanged, check);
        room.off(RoomEvent.Disconnected, gone);
        resolve(v);
      };
      const check = () => {
        if (this.mayPublish(camera)) done(true);
      };
      const gone = () => done(false);
      const timer = setTimeout(() => done(this.mayPublish(camera)), this.grant!.grantWaitMs);
      lp.on(ParticipantEvent.ParticipantPermissionsChanged, check);
      room.on(RoomEvent.Disconnected, gone);
    });
  }

  /**
   * The transport closed the microphone on its own: the server took the grant away (kick, leave,
   * lock, or a takeover that found no seat). The room machine then reports the mic off.
   */
  onMicClosed(listener: (reason: RoomError) => void): () => void {
    this.micClosedListeners.add(listener);
    return () => this.micClosedListeners.delete(listener);
  }

  /** The grant to publish went away (or came): the mic follows, and the room machine hears of it. */
  private onPermissions(room: Room): void {
    const may = this.mayPublish(false);
    const lost = this.hadGrant && !may;
    this.hadGrant = may;
    if (!lost) return;
    const lp = room.localParticipant;
    if (this.micOpen || lp.isMicrophoneEnabled || lp.isCameraEnabled) {
      // The LiveKit server has unpublished the tracks already; stop capturing too.
      void lp
        .setMicrophoneEnabled(false)
        .catch(() => undefined)
        .then(() => lp.setCameraEnabled(false))
        .catch(() => undefined);
      this.unmeter(this.identity());
    }
    this.micOpen = false;
    const reason: RoomError = {
      code: 'not-allowed',
      message: 'The room no longer lets you publish (you are not on a seat).',
    };
    for (const l of this.micClosedListeners) l(reason);
  }

  /** Starts following `room` (called once it is connected). */
  attach(room: Room): void {
    this.room = room;
    const on = <E extends RoomEvent>(event: E, fn: (...args: never[]) => void) => {
      room.on(event as never, fn as never);
      this.offs.push(() => room.off(event as never, fn as never));
    };
    on(RoomEvent.TrackPublished, (pub: RemoteTrackPublication, p: RemoteParticipant) => this.decide(pub, p));
    on(RoomEvent.ParticipantConnected, (p: RemoteParticipant) => this.decideAll(p));
    on(RoomEvent.TrackSubscribed, (track: RemoteTrack, pub: RemoteTrackPublication, p: RemoteParticipant) =>
      this.play(track, pub, p),
    );
    on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack, _pub: RemoteTrackPublication, p: RemoteParticipant) =>
      this.silence(track, p.identity),
    );
    on(RoomEvent.ParticipantDisconnected, (p: RemoteParticipant) => this.forget(p.identity));
    on(RoomEvent.AudioPlaybackStatusChanged, () => this.setBlocked(!room.canPlaybackAudio));
    if (this.grant) {
      this.hadGrant = this.mayPublish(false);
      const permissions = () => this.onPermissions(room);
      room.localParticipant.on(ParticipantEvent.ParticipantPermissionsChanged, permissions);
      this.offs.push(() => room.localParticipant.off(ParticipantEvent.ParticipantPermissionsChanged, permissions));
    }
    this.setBlocked(!room.canPlaybackAudio);
    for (const p of room.remoteParticipants.values()) this.decideAll(p);
    this.timer = setInterval(() => this.measure(), LEVEL_INTERVAL_MS);
  }

  /** Follows the authoritative seat map: subscribe to the seated, unsubscribe from the rest. */
  applySeatMap(state: RoomState): void {
    this.allowCamera = state.config.allowCamera;
    const seated = new Set<string>();
    const muted = new Set<string>();
    for (const s of state.seats) {
      if (!s.userId || s.status !== 'occupied') continue;
      seated.add(s.userId);
      if (s.muted) muted.add(s.userId);
    }
    this.seated = seated;
    this.muted = muted;
    if (!this.room) return;
    for (const p of this.room.remoteParticipants.values()) this.decideAll(p);
  }

  /** Identities this client currently subscribes to (for tests and the inspector). */
  get subscribed(): string[] {
    if (!this.room) return [];
    return [...this.room.remoteParticipants.values()]
      .filter((p) => [...p.audioTrackPublications.values()].some((pub) => pub.isSubscribed))
      .map((p) => p.identity);
  }

  /** The loudest playback volume of `identity`'s audio elements (null when none plays here). */
  playbackVolume(identity: string): number | null {
    const list = this.elements.get(identity);
    if (!list?.length) return null;
    return Math.max(...list.map((el) => (el.muted ? 0 : el.volume)));
  }

  private decideAll(p: RemoteParticipant): void {
    for (const pub of p.trackPublications.values()) this.decide(pub, p);
  }

  private decide(pub: RemoteTrackPublication, p: RemoteParticipant): void {
    if (pub.kind !== Track.Kind.Audio && pub.kind !== Track.Kind.Video) return;
    const want = this.seated.has(p.identity);
    if (pub.isDesired !== want) pub.setSubscribed(want);
    if (!want) {
      // Stop playing now: TrackUnsubscribed only comes once the server has renegotiated the
      // track away, which a real server may do late or, reusing the transceiver, not at all.
      if (pub.track && this.playing.has(pub.track)) this.silence(pub.track, p.identity);
      return;
    }
    // Subscribed again after a pause: the same track may come back without a new TrackSubscribed.
    if (pub.track && pub.isSubscribed && !this.playing.has(pub.track)) this.play(pub.track, pub, p);
    // A seat muted by a moderator: the server stops forwarding (setEnabled) and, should a
    // dishonest publisher still get through, this client plays it at volume 0.
    const muted = this.muted.has(p.identity);
    if (pub.isEnabled === muted) pub.setEnabled(!muted);
    const track = pub.audioTrack as (RemoteTrack & { setVolume(v: number): void }) | undefined;
    if (track) track.setVolume(muted ? 0 : 1);
  }

  private play(track: RemoteTrack, _pub: RemoteTrackPublication, p: RemoteParticipant): void {
    if (!this.seated.has(p.identity)) {
      // Arrived after the occupant left the seat: drop it.
      _pub.setSubscribed(false);
      return;
    }
    if (track.kind !== Track.Kind.Audio || this.playing.has(track)) return;
    this.playing.set(track, p.identity);
    if (this.muted.has(p.identity)) (track as RemoteTrack & { setVolume(v: number): void }).setVolume(0);
    const el = track.attach();
    const list = this.elements.get(p.identity) ?? [];
    list.push(el);
    this.elements.set(p.identity, list);
    this.meter(p.identity, track.mediaStreamTrack);
  }

  private silence(track: RemoteTrack, identity: string): void {
    this.playing.delete(track);
    for (const el of track.detach()) el.remove();
    this.elements.delete(identity);
    this.unmeter(identity);
  }

  private forget(identity: string): void {
    for (const [track, id] of this.playing) if (id === identity) this.playing.delete(track);
    this.unmeter(identity);
    this.elements.delete(identity);
  }

  private ctx(): AudioContext | null {
    if (typeof AudioContext === 'undefined') return null;
    this.context ??= new AudioContext();
    if (this.context.state === 'suspended') void this.context.resume().catch(() => undefined);
    return this.context;
  }

  private meter(identity: string, track: MediaStreamTrack): void {
    this.unmeter(identity);
    const ctx = this.ctx();
    if (!ctx) return;
    try {
      const source = ctx.createMediaStreamSource(new MediaStream([track]));
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      source.connect(analyser);
      this.meters.set(identity, { analyser, source });
    } catch {
      /* no WebAudio: LiveKit's own audioLevel still counts */
    }
  }

  private unmeter(identity: string): void {
    const m = this.meters.get(identity);
    if (!m) return;
    m.source.disconnect();
    this.meters.delete(identity);
    // Silence now, not after the decay: the next measurement reports the change.
    if (this.levels.delete(identity)) this.dirty = true;
  }

  private buffer = new Float32Array(2048);
  private dirty = false;
  private measure(): void {
    const room = this.room;
    if (!room) return;
    const next = new Map<string, number>();
    const participants: Participant[] = [room.localParticipant, ...room.remoteParticipants.values()];
    for (const p of participants) {
      if (this.muted.has(p.identity)) continue; // silenced here: no level either
      // A remote participant not on a seat is not played here, so it has no level here either,
      // whatever the server's speaker detection says of it (a real server reports levels of
      // everyone publishing, subscribed or not).
      if (p !== room.localParticipant && !this.seated.has(p.identity)) continue;
      const meter = this.meters.get(p.identity);
      let level = Math.max(0, p.audioLevel || 0);
      if (meter) {
        meter.analyser.getFloatTimeDomainData(this.buffer);
        let peak = 0;
        for (const v of this.buffer) peak = Math.max(peak, Math.abs(v));
        level = Math.max(level, peak);
      }
      level = Math.min(1, Math.max(level, (this.levels.get(p.identity) ?? 0) * LEVEL_DECAY));
      if (level > 0.001) next.set(p.identity, level);
    }
    const changed =
      this.dirty ||
      next.size !== this.levels.size ||
      [...next].some(([k, v]) => Math.abs((this.levels.get(k) ?? 0) - v) > 0.001);
    this.dirty = false;
    this.levels.clear();
    for (const [k, v] of next) this.levels.set(k, v);
    if (changed) {
      const snapshot = new Map(next);
      for (const l of this.levelListeners) l(snapshot);
    }
  }

  async setMic(on: boolean, options: { camera?: boolean; deviceId?: string } = {}): Promise<Result<MicReport>> {
    const room = this.room;
    if (!room) return fail('disconnected', 'Not connected to the room.');
    if (options.deviceId !== undefined) this.deviceId = options.deviceId;
    if (on && options.camera && !this.allowCamera) return fail('not-allowed', 'This room does not allow cameras.');
    const lp = room.localParticipant;
    if (on && !(await this.granted(room, false))) {
      return fail(
        this.room === room ? 'timeout' : 'disconnected',
        this.room === room
          ? `The room's service did not let you publish within ${this.grant!.grantWaitMs} ms (publishing needs a seat).`
          : 'Disconnected while waiting to publish.',
        { waitedMs: this.grant!.grantWaitMs },
      );
    }
    try {
      if (!on) {
        this.micOpen = false;
        await lp.setMicrophoneEnabled(false);
        if (lp.isCameraEnabled) await lp.setCameraEnabled(false);
        this.unmeter(this.identity());
        return ok('off');
      }
      // The device chosen earlier (e.g. as a listener) is kept when the mic opens later; an
      // explicit choice is exact, so a missing device is `no-device`, not a silent fallback.
      const pub: LocalTrackPublication | undefined = await lp.setMicrophoneEnabled(
        true,
        this.deviceId ? { deviceId: { exact: this.deviceId } } : undefined,
      );
      if (options.camera !== undefined) {
        try {
          await lp.setCameraEnabled(options.camera);
        } catch (e) {
          // A seat asked for with the camera is not half-prepared: close the mic too and say why.
          await lp.setMicrophoneEnabled(false).catch(() => undefined);
          const failure = mediaFailure(e);
          return failure.ok
            ? failure
            : fail(
                failure.error.code,
                failure.error.message.replace('microphone', 'camera'),
                failure.error.details as Record<string, unknown>,
              );
        }
      }
      const track = pub?.track?.mediaStreamTrack;
      if (track) this.meter(this.identity(), track);
      this.micOpen = true;
      return ok('on');
    } catch (e) {
      return mediaFailure(e);
    }
  }

  onLevels(listener: (levels: ReadonlyMap<string, number>) => void): () => void {
    this.levelListeners.add(listener);
    return () => this.levelListeners.delete(listener);
  }

  get audioBlocked(): boolean {
    return this.blocked;
  }

  onAudioBlocked(listener: (blocked: boolean) => void): () => void {
    this.blockedListeners.add(listener);
    return () => this.blockedListeners.delete(listener);
  }

  async unlockAudio(): Promise<void> {
    try {
      await this.room?.startAudio();
      await this.context?.resume();
    } catch {
      /* still blocked: the status says so */
    }
    if (this.room) this.setBlocked(!this.room.canPlaybackAudio);
  }

  private setBlocked(b: boolean): void {
    if (b === this.blocked) return;
    this.blocked = b;
    for (const l of this.blockedListeners) l(b);
  }

  /** Stops measuring and playing (on disconnect). */
  stop(): void {
    this.micOpen = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const off of this.offs.splice(0)) off();
    for (const id of [...this.meters.keys()]) this.unmeter(id);
    for (const list of this.elements.values()) for (const el of list) el.remove();
    this.elements.clear();
    this.playing.clear();
    void this.context?.close().catch(() => undefined);
    this.context = null;
    this.room = null;
    const empty = new Map<string, number>();
    for (const l of this.levelListeners) l(empty);
  }
}

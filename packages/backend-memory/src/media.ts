/**
 * Media for the in-memory backend. There is no audio transport in memory, so levels travel
 * through the room's level hub: a simulated voice by default (stories, tests without a mic),
 * or the real microphone measured with an AnalyserNode when `realMicrophone` is set.
 */
import { fail, ok, type MicReport, type Result, type RoomMedia } from '@micseat/core';

export interface LevelHub {
  publish(identity: string, level: number): void;
  onLevels(listener: (levels: ReadonlyMap<string, number>) => void): () => void;
}

export interface MemoryMediaOptions {
  /** Use getUserMedia and measure the real microphone (default: a simulated voice). */
  realMicrophone?: boolean;
  /** Make opening the mic fail, as a browser would (fault injection for stories and tests). */
  micFailure?: 'denied' | 'no-device' | null;
  /** Pretend the browser blocks autoplay until `unlockAudio()` (a user gesture). */
  autoplayBlocked?: boolean;
}

/** How often levels are measured and published (ms). */
const LEVEL_INTERVAL_MS = 100;

export class MemoryMedia implements RoomMedia {
  private timer: ReturnType<typeof setInterval> | null = null;
  private stream: MediaStream | null = null;
  private context: AudioContext | null = null;
  private blocked: boolean;
  private readonly blockedListeners = new Set<(b: boolean) => void>();
  private phase = Math.random() * 10;

  constructor(
    private readonly identity: string,
    private readonly hub: LevelHub,
    private options: MemoryMediaOptions = {},
  ) {
    this.blocked = !!options.autoplayBlocked;
  }

  /** Changes fault injection at run time (e.g. from the playground's fault panel). */
  configure(options: MemoryMediaOptions): void {
    this.options = { ...this.options, ...options };
    if (options.autoplayBlocked !== undefined) this.setBlocked(options.autoplayBlocked);
  }

  get micOn(): boolean {
    return this.timer !== null;
  }

  async setMic(on: boolean): Promise<Result<MicReport>> {
    if (!on) {
      this.stop();
      return ok('off');
    }
    if (this.timer) return ok('on');
    if (this.options.micFailure === 'denied') return fail('mic-denied', 'Microphone permission was denied.');
    if (this.options.micFailure === 'no-device') return fail('no-device', 'No microphone was found.');
    if (this.options.realMicrophone) {
      const opened = await this.openRealMic();
      if (!opened.ok) return opened;
    } else {
      this.timer = setInterval(() => {
        // A plausible voice: syllables (fast wobble) inside phrases (slow envelope).
        this.phase += LEVEL_INTERVAL_MS / 1000;
        const phrase = Math.max(0, Math.sin(this.phase * 0.9));
        const syllable = 0.5 + 0.5 * Math.abs(Math.sin(this.phase * 7));
        this.hub.publish(this.identity, phrase * syllable * 0.8);
      }, LEVEL_INTERVAL_MS);
    }
    return ok('on');
  }

  private async openRealMic(): Promise<Result<MicReport>> {
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      return fail('no-device', 'This browser cannot open a microphone.');
    }
    try {
      // Nothing is transmitted in memory: this stream only feeds the level meter, so measure the
      // raw input (noise suppression / AGC would flatten short sounds such as Chromium's fake beep).
      this.stream = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
      });
    } catch (e) {
      const name = (e as DOMException)?.name;
      if (name === 'NotAllowedError' || name === 'SecurityError')
        return fail('mic-denied', 'Microphone permission was denied.');
      if (name === 'NotFoundError' || name === 'OverconstrainedError')
        return fail('no-device', 'No microphone was found.');
      return fail('media-failed', `The microphone could not be opened: ${(e as Error)?.message ?? name}`);
    }
    this.context = new AudioContext();
    const analyser = this.context.createAnalyser();
    // A window longer than the measuring interval, so no sound falls between two measurements.
    analyser.fftSize = 8192;
    this.context.createMediaStreamSource(this.stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    this.timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      this.hub.publish(this.identity, peak);
    }, LEVEL_INTERVAL_MS);
    return ok('on');
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    void this.context?.close();
    this.context = null;
    this.hub.publish(this.identity, 0);
  }

  onLevels(listener: (levels: ReadonlyMap<string, number>) => void): () => void {
    return this.hub.onLevels(listener);
  }

  get audioBlocked(): boolean {
    return this.blocked;
  }

  onAudioBlocked(listener: (blocked: boolean) => void): () => void {
    this.blockedListeners.add(listener);
    return () => this.blockedListeners.delete(listener);
  }

  async unlockAudio(): Promise<void> {
    this.setBlocked(false);
  }

  private setBlocked(b: boolean): void {
    if (this.blocked === b) return;
    this.blocked = b;
    for (const l of this.blockedListeners) l(b);
  }
}

/**
 * Speaker detection from the RTP audio-level header extension (RFC 6464, level in -dBov).
 * fidelity: a transcription of the real server's pkg/sfu/audio/audiolevel.go:40-200
 * (DefaultAudioLevelConfig ActiveLevel 35, MinPercentile 40, UpdateInterval 400 ms,
 * SmoothIntervals 2; observeLocked, GetLevel, resetIfStaleLocked, ConvertAudioLevel).
 * A participant counts as speaking when at least 40 % of a 400 ms window is louder than -35 dBov.
 */
export interface AudioLevelConfig {
  activeLevel: number;
  minPercentile: number;
  updateInterval: number;
  smoothIntervals: number;
}

export const defaultAudioLevelConfig: AudioLevelConfig = {
  activeLevel: 35,
  minPercentile: 40,
  updateInterval: 400,
  smoothIntervals: 2,
};

const SILENT = 127;

export function convertAudioLevel(level: number): number {
  return Math.pow(10, -level / 20);
}

export class AudioLevel {
  private observedDuration = 0;
  private activeDuration = 0;
  private loudest = SILENT;
  private smoothed = 0;
  private lastObservedAt = 0;
  private highestTs: number | undefined;
  private readonly minActiveDuration: number;
  private readonly smoothFactor: number;
  private readonly activeThreshold: number;

  constructor(
    private readonly config: AudioLevelConfig = defaultAudioLevelConfig,
    private readonly clockRate = 48000,
  ) {
    this.minActiveDuration = (config.minPercentile * config.updateInterval) / 100;
    this.smoothFactor = config.smoothIntervals > 0 ? 2 / (config.smoothIntervals + 1) : 1;
    this.activeThreshold = convertAudioLevel(config.activeLevel);
  }

  /** audiolevel.go ObserveWithRTPTimestamp: duration from the RTP timestamp advance. */
  observe(level: number, rtpTimestamp: number, now: number) {
    if (this.highestTs === undefined) this.highestTs = rtpTimestamp;
    const diff = (rtpTimestamp - this.highestTs) >>> 0;
    if (diff >= 2 ** 31) return; // older packet
    this.highestTs = rtpTimestamp;
    this.observeDuration(level, (diff * 1000) / this.clockRate, now);
  }

  private observeDuration(level: number, durationMs: number, now: number) {
    this.lastObservedAt = now;
    this.observedDuration += durationMs;
    if (level <= this.config.activeLevel) {
      this.activeDuration += durationMs;
      if (this.loudest > level) this.loudest = level;
    }
    if (this.observedDuration >= this.config.updateInterval) {
      let smoothed = 0;
      if (this.activeDuration >= this.minActiveDuration) {
        const activityWeight = 20 * Math.log10(this.activeDuration / this.config.updateInterval);
        const linear = convertAudioLevel(this.loudest - activityWeight);
        smoothed = this.smoothed + (linear - this.smoothed) * this.smoothFactor;
      }
      this.reset(smoothed);
    }
  }

  /** audiolevel.go GetLevel: the smoothed linear level and whether it counts as speaking. */
  getLevel(now: number): { level: number; active: boolean } {
    if (now - this.lastObservedAt >= 2 * this.config.updateInterval) this.reset(0);
    return { level: this.smoothed, active: this.smoothed >= this.activeThreshold };
  }

  private reset(smoothed: number) {
    this.smoothed = smoothed;
    this.loudest = SILENT;
    this.activeDuration = 0;
    this.observedDuration = 0;
  }
}

/**
 * How loud a microphone track is, for the pre-join level meter: a Web Audio AnalyserNode on the
 * track, read on demand. Nothing is played back. A disabled (muted) track reads as silence.
 */

/** Levels below this read as 0: room noise, not speech. */
const FLOOR_DB = -60;

export class LevelMeter {
  private ctx: AudioContext | null = null;
  private analyser: AnalyserNode | null = null;
  private source: MediaStreamAudioSourceNode | null = null;
  private track: MediaStreamTrack | null = null;
  private samples = new Float32Array(0);
  private readonly resume = () => void this.ctx?.resume().catch(() => undefined);

  setTrack(track: MediaStreamTrack | null): void {
    if (track === this.track) return;
    this.track = track;
    this.source?.disconnect();
    this.source = null;
    if (!track) return;
    try {
      if (!this.ctx) {
        this.ctx = new AudioContext();
        this.analyser = this.ctx.createAnalyser();
        this.analyser.fftSize = 1024;
        this.samples = new Float32Array(this.analyser.fftSize);
        // Autoplay rules may start the context suspended: the first click or key press resumes it.
        addEventListener('pointerdown', this.resume, { once: true });
        addEventListener('keydown', this.resume, { once: true });
      }
      this.source = this.ctx.createMediaStreamSource(new MediaStream([track]));
      this.source.connect(this.analyser!);
    } catch {
      /* no Web Audio: the meter stays at 0 */
    }
  }

  /** 0..1: the signal's RMS in dBFS, from FLOOR_DB (0) to full scale (1). */
  level(): number {
    if (!this.analyser || !this.source) return 0;
    this.analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const s of this.samples) sum += s * s;
    const rms = Math.sqrt(sum / this.samples.length);
    const db = rms > 0 ? 20 * Math.log10(rms) : FLOOR_DB;
    return Math.min(1, Math.max(0, (db - FLOOR_DB) / -FLOOR_DB));
  }

  close(): void {
    removeEventListener('pointerdown', this.resume);
    removeEventListener('keydown', this.resume);
    this.source?.disconnect();
    void this.ctx?.close().catch(() => undefined);
    this.ctx = this.analyser = this.source = this.track = null;
  }
}

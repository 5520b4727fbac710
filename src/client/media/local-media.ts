/**
 * The local microphone and camera: acquisition (with a clear reason when it fails), mute state,
 * and release. Muting only disables the track (`enabled = false`): the sender keeps sending silence
 * / black frames, as the protocol expects, and unmuting is instant.
 */
import type { MediaKind } from '../../protocol/messages.js';

export type MediaProblem = 'denied' | 'not-found' | 'in-use' | 'insecure' | 'unknown' | 'no-camera' | 'no-microphone';

export const AUDIO_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export const VIDEO_CONSTRAINTS: MediaTrackConstraints = {
  width: { ideal: 1280 },
  height: { ideal: 720 },
  frameRate: { ideal: 30 },
};

type Listener = () => void;

export class LocalMedia {
  private tracks: Record<MediaKind, MediaStreamTrack | null> = { audio: null, video: null };
  private muted: Record<MediaKind, boolean> = { audio: false, video: false };
  private pending: Promise<void> | null = null;
  private readonly listeners = new Set<Listener>();
  problem: MediaProblem | null = null;

  get acquiring(): boolean {
    return this.pending !== null;
  }

  track(kind: MediaKind): MediaStreamTrack | null {
    return this.tracks[kind];
  }

  has(kind: MediaKind): boolean {
    return this.tracks[kind] !== null;
  }

  /** What the others should see: muted by choice, or nothing to send. */
  isMuted(kind: MediaKind): boolean {
    return this.muted[kind] || !this.tracks[kind];
  }

  /** The user's choice, whether or not there is a device. */
  isMutedByChoice(kind: MediaKind): boolean {
    return this.muted[kind];
  }

  setMuted(kind: MediaKind, muted: boolean): void {
    this.muted[kind] = muted;
    const track = this.tracks[kind];
    if (track) track.enabled = !muted;
    this.emit();
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the devices if they are not open yet; never rejects (see `problem`). */
  acquire(): Promise<void> {
    if (this.tracks.audio || this.tracks.video) return Promise.resolve();
    this.pending ??= this.open().finally(() => {
      this.pending = null;
      this.emit();
    });
    this.emit();
    return this.pending;
  }

  /** Releases the devices (camera light off). Mute choices are kept for a rejoin. */
  stop(): void {
    for (const kind of ['audio', 'video'] as const) {
      this.tracks[kind]?.stop();
      this.tracks[kind] = null;
    }
    this.emit();
  }

  private async open(): Promise<void> {
    this.problem = null;
    const md = navigator.mediaDevices;
    if (!md?.getUserMedia) {
      this.problem = window.isSecureContext ? 'not-found' : 'insecure';
      return;
    }
    try {
      this.adopt(await md.getUserMedia({ audio: AUDIO_CONSTRAINTS, video: VIDEO_CONSTRAINTS }));
      return;
    } catch (err) {
      const problem = classify(err);
      if (problem === 'denied') {
        this.problem = problem;
        return;
      }
      // Maybe only one of the two exists or works: try each on its own.
      const [audio, video] = await Promise.allSettled([
        md.getUserMedia({ audio: AUDIO_CONSTRAINTS }),
        md.getUserMedia({ video: VIDEO_CONSTRAINTS }),
      ]);
      if (audio.status === 'fulfilled') this.adopt(audio.value);
      if (video.status === 'fulfilled') this.adopt(video.value);
      if (audio.status === 'fulfilled' && video.status === 'rejected') this.problem = 'no-camera';
      else if (audio.status === 'rejected' && video.status === 'fulfilled') this.problem = 'no-microphone';
      else if (audio.status === 'rejected') this.problem = problem;
    }
  }

  private adopt(stream: MediaStream): void {
    for (const track of stream.getTracks()) {
      const kind = track.kind as MediaKind;
      if (this.tracks[kind]) {
        track.stop();
        continue;
      }
      track.enabled = !this.muted[kind];
      // A device that goes away (unplugged, revoked) counts as gone: the others see it muted.
      track.addEventListener('ended', () => {
        if (this.tracks[kind] !== track) return;
        this.tracks[kind] = null;
        this.emit();
      });
      this.tracks[kind] = track;
    }
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

function classify(err: unknown): MediaProblem {
  const name = err instanceof DOMException || err instanceof Error ? err.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'OverconstrainedError':
    case 'DevicesNotFoundError':
      return 'not-found';
    case 'NotReadableError':
    case 'AbortError':
    case 'TrackStartError':
      return 'in-use';
    default:
      return 'unknown';
  }
}

/**
 * The local screen share: one getDisplayMedia capture at a time (video only), ended by us, by a
 * moderator (through the session), or by the browser's own "stop sharing" control, which ends the
 * track. Listeners hear every start and stop.
 */

/** Why a share did not start. `cancelled`: the person closed the browser's picker (or said no). */
export type ScreenShareProblem = 'cancelled' | 'unsupported' | 'failed';

/** Text and slides stay sharp: the encoder keeps resolution and drops frame rate under pressure. */
export const SCREEN_CONSTRAINTS: MediaTrackConstraints = { frameRate: { ideal: 15, max: 30 } };

export class ScreenCapture {
  private current: MediaStreamTrack | null = null;
  private starting = false;
  private readonly listeners = new Set<() => void>();

  /** False on browsers without getDisplayMedia (phones, mostly): offer no button there. */
  static get supported(): boolean {
    return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getDisplayMedia === 'function';
  }

  get track(): MediaStreamTrack | null {
    return this.current;
  }

  /** Asks the browser for a screen, window or tab; null once sharing (or already sharing). */
  async start(): Promise<ScreenShareProblem | null> {
    if (this.current || this.starting) return null;
    if (!ScreenCapture.supported) return 'unsupported';
    this.starting = true;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: SCREEN_CONSTRAINTS, audio: false });
    } catch (err) {
      return isRefusal(err) ? 'cancelled' : 'failed';
    } finally {
      this.starting = false;
    }
    const [track, ...rest] = stream.getVideoTracks();
    for (const t of [...rest, ...stream.getAudioTracks()]) t.stop();
    if (!track) return 'failed';
    track.contentHint = 'detail';
    track.addEventListener('ended', () => {
      if (this.current === track) this.stop();
    });
    this.current = track;
    this.emit();
    return null;
  }

  stop(): void {
    const track = this.current;
    if (!track) return;
    this.current = null;
    track.stop();
    this.emit();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}

/** Browsers answer a closed picker, and a refused permission, with NotAllowedError. */
function isRefusal(err: unknown): boolean {
  return (err instanceof DOMException || err instanceof Error) && err.name === 'NotAllowedError';
}

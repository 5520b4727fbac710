/**
 * The local microphone and camera: acquisition (with a clear reason when it fails), mute state,
 * device choice, and release. Muting only disables the track (`enabled = false`): the sender keeps
 * sending silence / black frames, as the protocol expects, and unmuting is instant. A different
 * device replaces the track; listeners (the preview, the call's sender) pick up the new one.
 */
import type { MediaKind } from '../../protocol/messages.js';
import { load, save } from '../storage.js';

export type MediaProblem = 'denied' | 'not-found' | 'in-use' | 'insecure' | 'unknown' | 'no-camera' | 'no-microphone' | 'device-failed';

/** What a person can choose: the inputs of our two tracks, and where the others' audio plays. */
export type DeviceKind = 'audioinput' | 'videoinput' | 'audiooutput';

const INPUT: Record<MediaKind, DeviceKind> = { audio: 'audioinput', video: 'videoinput' };

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
  private devices: MediaDeviceInfo[] = [];
  /** Remembered across visits: device ids are stable per origin. */
  private readonly chosen: Record<DeviceKind, string | null> = {
    audioinput: load('device.audioinput'),
    videoinput: load('device.videoinput'),
    audiooutput: load('device.audiooutput'),
  };
  /** Device switches run one after another, and after the first acquisition. */
  private switching: Promise<void> = Promise.resolve();
  /** Between acquire() and stop(): only then may a plugged-in device be opened. */
  private active = false;
  private watching = false;
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

  /** Devices of one kind; empty until the browser shows them (after access was granted). */
  deviceList(kind: DeviceKind): MediaDeviceInfo[] {
    return this.devices.filter((d) => d.kind === kind && d.deviceId !== '');
  }

  /** The device in use (an open track's), else the remembered choice; '' for none or the default. */
  device(kind: DeviceKind): string {
    const track = kind === 'audiooutput' ? null : this.tracks[kind === 'audioinput' ? 'audio' : 'video'];
    return track?.getSettings().deviceId ?? this.chosen[kind] ?? '';
  }

  /** Remembers the choice; an input is reopened on that device at once (the old one is released). */
  chooseDevice(kind: DeviceKind, deviceId: string): Promise<void> {
    this.chosen[kind] = deviceId;
    save(`device.${kind}`, deviceId);
    if (kind === 'audiooutput') {
      this.emit();
      return Promise.resolve();
    }
    const mediaKind: MediaKind = kind === 'audioinput' ? 'audio' : 'video';
    return this.serially(async () => {
      if (this.track(mediaKind)?.getSettings().deviceId === deviceId) return;
      await this.replace(mediaKind);
      // When the chosen device would not start, replace() fell back to another one (or none).
      if (this.track(mediaKind)?.getSettings().deviceId !== deviceId) this.problem = 'device-failed';
      else if (this.problem === 'device-failed') this.problem = null;
    });
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Opens the devices if they are not open yet; never rejects (see `problem`). */
  acquire(): Promise<void> {
    this.active = true;
    if (this.tracks.audio || this.tracks.video) return Promise.resolve();
    this.pending ??= this.open().then(() => this.refreshDevices()).finally(() => {
      this.pending = null;
      this.emit();
    });
    this.emit();
    return this.pending;
  }

  /** Releases the devices (camera light off). Mute choices are kept for a rejoin. */
  stop(): void {
    this.active = false;
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
    if (!this.watching) {
      this.watching = true;
      md.addEventListener('devicechange', () => void this.serially(() => this.pickUp()));
    }
    try {
      const audio = this.constraints('audio', this.remembered('audio'));
      this.adopt(await md.getUserMedia({ audio, video: this.constraints('video', this.remembered('video')) }));
      return;
    } catch (err) {
      const problem = classify(err);
      if (problem === 'denied') {
        this.problem = problem;
        return;
      }
      // Maybe only one of the two exists or works, or a remembered device is gone: try each on its own.
      const [audio, video] = await Promise.allSettled([this.openOne('audio'), this.openOne('video')]);
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
        void this.serially(() => this.pickUp());
      });
      this.tracks[kind] = track;
    }
  }

  /** The remembered device, if any; `exact` (openOne falls back) as Chrome may pass over an `ideal` one. */
  private remembered(kind: MediaKind): ConstrainDOMString | undefined {
    const id = this.chosen[INPUT[kind]];
    return id ? { exact: id } : undefined;
  }

  /** The remembered device, else (it is gone) any device of that kind. */
  private openOne(kind: MediaKind): Promise<MediaStream> {
    const md = navigator.mediaDevices;
    const any = () => md.getUserMedia({ [kind]: this.constraints(kind, undefined) });
    return this.remembered(kind) ? md.getUserMedia({ [kind]: this.constraints(kind, this.remembered(kind)) }).catch(any) : any();
  }

  private constraints(kind: MediaKind, deviceId: ConstrainDOMString | undefined): MediaTrackConstraints {
    const base = kind === 'audio' ? AUDIO_CONSTRAINTS : VIDEO_CONSTRAINTS;
    return deviceId ? { ...base, deviceId } : base;
  }

  /** Opens `kind` (on the remembered device if it is there) in place of the current track; false if none opened. */
  private async replace(kind: MediaKind): Promise<boolean> {
    // Release first: phones can't open a second camera while one is running.
    this.tracks[kind]?.stop();
    this.tracks[kind] = null;
    try {
      this.adopt(await this.openOne(kind));
      return true;
    } catch {
      return false;
    }
  }

  /** After a device was plugged in or out: list them again, and open one where we have none. */
  private async pickUp(): Promise<void> {
    await this.refreshDevices();
    for (const kind of ['audio', 'video'] as const) {
      if (!this.active || this.tracks[kind] || this.deviceList(INPUT[kind]).length === 0) continue;
      if (!(await this.replace(kind))) continue;
      if (this.problem === (kind === 'audio' ? 'no-microphone' : 'no-camera')) this.problem = null;
    }
  }

  private async refreshDevices(): Promise<void> {
    try {
      this.devices = await navigator.mediaDevices.enumerateDevices();
    } catch {
      this.devices = [];
    }
  }

  /** Runs `step` after the acquisition and earlier switches, then tells the listeners. */
  private serially(step: () => Promise<void>): Promise<void> {
    this.switching = this.switching
      .then(() => this.pending)
      .then(step)
      .catch(() => undefined)
      .finally(() => this.emit());
    return this.switching;
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

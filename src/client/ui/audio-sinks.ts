/**
 * One <audio autoplay> per remote participant, fed from that participant's audio receiver, played
 * on the output chosen before joining (where the browser can route audio: `setSinkId`).
 */
import { h } from '../dom.js';

export class AudioSinks {
  readonly el = h('div', { class: 'audio-sinks', 'aria-hidden': 'true' });
  private readonly sinks = new Map<string, { audio: HTMLAudioElement; track: MediaStreamTrack }>();
  /** '' is the system default. */
  private output = '';

  setOutput(deviceId: string): void {
    if (deviceId === this.output) return;
    this.output = deviceId;
    for (const { audio } of this.sinks.values()) this.route(audio);
  }

  set(participantId: string, track: MediaStreamTrack | undefined): void {
    const sink = this.sinks.get(participantId);
    if (sink?.track === track) return;
    if (sink) this.remove(participantId);
    if (!track) return;
    const audio = h('audio', { autoplay: true });
    this.route(audio);
    audio.srcObject = new MediaStream([track]);
    this.el.appendChild(audio);
    audio.play().catch(() => undefined);
    this.sinks.set(participantId, { audio, track });
  }

  /** Keep only these participants. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of [...this.sinks.keys()]) if (!ids.has(id)) this.remove(id);
  }

  remove(participantId: string): void {
    const sink = this.sinks.get(participantId);
    if (!sink) return;
    sink.audio.srcObject = null;
    sink.audio.remove();
    this.sinks.delete(participantId);
  }

  /** A device that is gone leaves the audio on the default output. */
  private route(audio: HTMLAudioElement): void {
    if ('setSinkId' in audio && audio.sinkId !== this.output) audio.setSinkId(this.output).catch(() => undefined);
  }

  clear(): void {
    for (const id of [...this.sinks.keys()]) this.remove(id);
  }
}

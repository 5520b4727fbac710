/**
 * A testing aid (CONFAB_MEDIA_TAP_FILE): records the first bytes of the media payloads the SFU
 * forwards, so a test can check what the server gets to see. In an end-to-end-encrypted meeting
 * that is ciphertext; in any other it is the participants' audio and video, so never turn it on
 * in production. Bounded: each Producer records its first packets only, then stops for good.
 *
 * One JSON line per packet: {"kind":"audio"|"video","source":"microphone"|"camera"|"screen",
 * "size":<bytes>,"head":"<hex of the first bytes>","tail":"<hex of the last bytes>"} (the E2EE
 * frame trailer sits at the end of a frame).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { SOURCE_KIND, type MediaSource } from '../protocol/messages.js';

/** Packets recorded per Producer. */
export const TAP_PACKETS_PER_PRODUCER = 300;
/** Bytes recorded from the start and from the end of each RTP payload. */
export const TAP_PAYLOAD_BYTES = 96;
export const TAP_TAIL_BYTES = 16;

export class MediaTap {
  private fd: number | undefined;

  constructor(
    private readonly file: string,
    private readonly packetsPerProducer = TAP_PACKETS_PER_PRODUCER,
  ) {}

  /** A recorder for one Producer's packets. */
  recorder(source: MediaSource): TapRecorder {
    return new TapRecorder(source, this.packetsPerProducer, (line) => this.append(line));
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Synchronous and append-only: few, small lines, written in order, complete when a test reads them. */
  private append(line: string): void {
    this.fd ??= openSync(this.file, 'a', 0o600);
    writeSync(this.fd, line);
  }
}

export class TapRecorder {
  private left: number;

  constructor(
    private readonly source: MediaSource,
    packets: number,
    private readonly write: (line: string) => void,
  ) {
    this.left = packets;
  }

  /** Records one packet's payload; false once the bound is reached (the caller then drops the recorder). */
  record(payload: Buffer): boolean {
    if (this.left <= 0) return false;
    if (payload.length === 0) return true; // padding only: no media to look at
    this.left--;
    const head = payload.subarray(0, TAP_PAYLOAD_BYTES).toString('hex');
    const tail = payload.subarray(Math.max(0, payload.length - TAP_TAIL_BYTES)).toString('hex');
    this.write(`${JSON.stringify({ kind: SOURCE_KIND[this.source], source: this.source, size: payload.length, head, tail })}\n`);
    return this.left > 0;
  }
}

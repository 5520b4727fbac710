/**
 * The media plane's entry point: one Router per meeting. Today every Router runs in this process;
 * this class is the seam where meetings will be placed on media worker processes instead.
 */
import type { RtcConfig } from '../server/config.js';
import { MediaTap } from './media-tap.js';
import { Router } from './router.js';

export class MediaPlane {
  private readonly routers = new Map<string, Router>();
  private readonly tap: MediaTap | undefined;

  /** `mediaTapFile`: testing aid, see media-tap.ts. */
  constructor(
    private readonly rtc: RtcConfig,
    options: { mediaTapFile?: string | undefined } = {},
  ) {
    this.tap = options.mediaTapFile ? new MediaTap(options.mediaTapFile) : undefined;
  }

  /** The meeting's Router, created on first use. */
  routerFor(meetingId: string): Router {
    let router = this.routers.get(meetingId);
    if (!router) this.routers.set(meetingId, (router = new Router(this.rtc, this.tap)));
    return router;
  }

  existingRouter(meetingId: string): Router | undefined {
    return this.routers.get(meetingId);
  }

  async closeRouter(meetingId: string): Promise<void> {
    const router = this.routers.get(meetingId);
    this.routers.delete(meetingId);
    await router?.close();
  }

  get routerCount(): number {
    return this.routers.size;
  }

  /** PeerConnections across all meetings: people who receive or send media. */
  get peerCount(): number {
    let n = 0;
    for (const r of this.routers.values()) n += r.peerCount;
    return n;
  }

  async close(): Promise<void> {
    await Promise.all([...this.routers.keys()].map((id) => this.closeRouter(id)));
    this.tap?.close();
  }
}

/**
 * Drives one participant through the real UI, and reads its WebRTC stats through the client's
 * test hook (window.__confab: the PeerConnection and the mid -> participant map).
 */
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { waitFor } from './browser.js';

export interface RemoteMediaStats {
  participantId: string;
  kind: 'audio' | 'video';
  source: 'microphone' | 'camera' | 'screen';
  mid: string;
  framesDecoded: number;
  totalSamplesReceived: number;
  packetsReceived: number;
  frameWidth: number;
}

export class Participant {
  /** Every URL this page requested, for checking that nothing leaves the server's origin. */
  readonly requests: string[] = [];

  private constructor(
    readonly page: Page,
    readonly name: string,
  ) {
    page.on('request', (r) => this.requests.push(r.url()));
  }

  /**
   * `initScript` runs in the page before the app, e.g. to take a browser feature away; `context`
   * overrides the browser context's options (viewport, locale, bypassCSP…).
   */
  static async open(browser: Browser, url: string, name: string, options: { initScript?: string; context?: BrowserContextOptions } = {}): Promise<Participant> {
    const context = await browser.newContext({ viewport: { width: 960, height: 640 }, ...options.context });
    if (options.initScript) await context.addInitScript(options.initScript);
    const page = await context.newPage();
    const p = new Participant(page, name);
    await page.goto(url);
    return p;
  }

  /**
   * Opened on the server's host link: start a meeting through the home page, as its host. Returns the
   * guest link: the meeting URL with only the meeting's encryption secret in the fragment (the page
   * has read it, kept it for this tab and removed it from the address bar).
   */
  async startMeeting(title = 'Test meeting', options: { lobby?: boolean } = {}): Promise<string> {
    await this.page.fill('#meeting-title', title);
    if (options.lobby === false) await this.page.uncheck('#meeting-lobby');
    await this.page.click('#start-meeting');
    await this.page.waitForURL(/\/m\/[A-Za-z0-9_-]{22,}(#.*)?$/);
    await this.waitForState('prejoin');
    const url = new URL(this.page.url());
    const meetingId = url.pathname.split('/').pop()!;
    const key = await this.page.evaluate((id) => sessionStorage.getItem(`confab.meetingKey.${id}`), meetingId);
    if (!key) throw new Error('the host page kept no meeting key');
    return `${url.origin}${url.pathname}#key=${key}`;
  }

  /** Join and wait until in the call (hosts, or guests when the lobby is off). */
  async join(): Promise<void> {
    await this.joinAndWaitFor('connected');
  }

  /** Join and wait for `state` (e.g. 'lobby' for a guest who must be admitted). */
  async joinAndWaitFor(state: string): Promise<void> {
    await this.page.fill('#name', this.name);
    await this.page.click('#join');
    await this.waitForState(state);
  }

  async waitForState(state: string, timeout = 20_000): Promise<void> {
    await this.page.waitForFunction((s) => document.body.dataset.state === s, state, { timeout });
  }

  /** As a moderator: admit the knocker with this name from the knock notification. */
  async admit(name: string): Promise<void> {
    const knock = this.page.locator('[data-knock-id]', { hasText: name });
    await knock.locator('.knock-admit').click();
  }

  async participantId(): Promise<string> {
    return this.page.evaluate(() => (window as unknown as { __confab: { participantId: string } }).__confab.participantId);
  }

  async state(): Promise<string | undefined> {
    return this.page.evaluate(() => document.body.dataset.state);
  }

  /** Remote participant ids with a tile on this page. */
  async remoteTileIds(): Promise<string[]> {
    return this.page.$$eval('[data-participant-id]:not([data-local="true"])', (els) =>
      els.map((e) => (e as HTMLElement).dataset.participantId!).sort(),
    );
  }

  async remoteMedia(): Promise<RemoteMediaStats[]> {
    return this.page.evaluate(async () => {
      const c = (window as unknown as { __confab: { pc: RTCPeerConnection | null; tracks: { mid: string; participantId: string; kind: string; source: string }[] } }).__confab;
      if (!c.pc) return [];
      const byMid = new Map(c.tracks.map((t) => [t.mid, t]));
      const out: RemoteMediaStats[] = [];
      (await c.pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        const t = byMid.get(s.mid as string);
        if (!t) return;
        out.push({
          participantId: t.participantId,
          kind: t.kind as 'audio' | 'video',
          source: t.source as RemoteMediaStats['source'],
          mid: t.mid,
          framesDecoded: (s.framesDecoded as number) ?? 0,
          totalSamplesReceived: (s.totalSamplesReceived as number) ?? 0,
          packetsReceived: (s.packetsReceived as number) ?? 0,
          frameWidth: (s.frameWidth as number) ?? 0,
        });
      });
      return out;
    });
  }

  /**
   * Waits until, for every given remote participant, decoded camera frames rose by `minFrames` and
   * received audio samples rose, relative to the moment of the call.
   */
  async expectMediaFlowing(from: string[], minFrames = 10, timeoutMs = 20_000): Promise<void> {
    const key = (s: RemoteMediaStats) => `${s.participantId}/${s.source}`;
    const before = new Map((await this.remoteMedia()).map((s) => [key(s), s]));
    let now: RemoteMediaStats[] = [];
    await waitFor(
      `${this.name} receiving media from ${from.length} participants`,
      async () => {
        now = await this.remoteMedia();
        const ok = from.every((id) => {
          const v = now.find((s) => s.participantId === id && s.source === 'camera');
          const a = now.find((s) => s.participantId === id && s.source === 'microphone');
          if (!v || !a) return false;
          const v0 = before.get(key(v))?.framesDecoded ?? 0;
          const a0 = before.get(key(a))?.totalSamplesReceived ?? 0;
          return v.framesDecoded - v0 >= minFrames && a.totalSamplesReceived > a0;
        });
        return ok ? true : undefined;
      },
      timeoutMs,
    ).catch((err: Error) => {
      const show = (m: Iterable<RemoteMediaStats>) => JSON.stringify([...m]);
      throw new Error(`${err.message}\n  expected from: ${JSON.stringify(from)}\n  before: ${show(before.values())}\n  last: ${show(now)}`);
    });
  }

  async leave(): Promise<void> {
    await this.page.click('#leave');
    await this.page.waitForFunction(() => document.body.dataset.state === 'left');
  }

  async close(): Promise<void> {
    await this.page.context().close();
  }
}

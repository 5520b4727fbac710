/**
 * The fixture of a call over an emulated link (tests/helpers/netem.ts): the link, a Confab server
 * on the link's host address (HTTP, WebSocket and media all there: the only address the namespace
 * reaches), one Chromium inside the namespace and one outside. Registers the suite's before/after
 * hooks; the values are there from `before` on.
 */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { createEmulatedLink, type EmulatedLink, type LinkParams } from './netem.js';
import { startServer, type RunningServer } from './server.js';

export interface EmulatedCall {
  link: EmulatedLink;
  server: RunningServer;
  /** The server's address, as both browsers reach it. */
  origin: string;
  inside: Browser;
  outside: Browser;
}

/** `closePages` runs first on the way out: the suite's own participants. */
export function useEmulatedCall(params: LinkParams, closePages: () => Promise<void>): EmulatedCall {
  const fx = {} as EmulatedCall;
  before(async () => {
    fx.link = await createEmulatedLink(params);
    fx.server = await startServer({ HOST: fx.link.hostAddress, CONFAB_RTC_LISTEN_IPS: fx.link.hostAddress });
    fx.origin = `http://${fx.link.hostAddress}:${fx.server.port}`;
    // Camera, microphone and WebCrypto need a secure context, which plain http has only on localhost.
    const args = [`--unsafely-treat-insecure-origin-as-secure=${fx.origin}`];
    fx.inside = await fx.link.launchBrowser(args);
    fx.outside = await launchBrowser(args);
  });
  after(async () => {
    await closePages();
    await fx.inside?.close();
    await fx.outside?.close();
    await fx.server?.stop();
    await fx.link?.close();
  });
  return fx;
}

/** The usual e2e fixture: one real server and one Chromium for the test file, stopped afterwards. */
import { after, before } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';
import { startServer, type RunningServer } from './server.js';

export interface E2eFixture {
  server: RunningServer;
  browser: Browser;
}

export function useServerAndBrowser(options: { env?: Record<string, string>; browserArgs?: () => Promise<string[]> } = {}): E2eFixture {
  const fixture = {} as E2eFixture;
  before(async () => {
    fixture.server = await startServer(options.env);
    fixture.browser = await launchBrowser(options.browserArgs ? await options.browserArgs() : []);
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.stop();
  });
  return fixture;
}

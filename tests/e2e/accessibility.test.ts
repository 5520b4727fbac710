/**
 * Accessibility: axe-core finds no serious or critical problem on the pre-join screen, in the lobby
 * and in the call (two people; with the participants panel, the chat, the encryption details and
 * the reactions open), at desktop size and on a 390x844 phone screen (in English and German); and
 * every visible control can be reached with the Tab key.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BrowserContextOptions } from 'playwright-core';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant } from '../helpers/meeting-page.js';
import { axeViolations, unreachableByKeyboard } from '../helpers/ui-audit.js';
import { DESKTOP, PHONE } from '../helpers/viewports.js';

const fx = useServerAndBrowser();

// The phone runs in German, so that both languages' labels are checked.
const SIZES: [string, BrowserContextOptions][] = [
  ['desktop', { ...DESKTOP, locale: 'en-US' }],
  ['phone', { ...PHONE, locale: 'de-DE' }],
];

async function audit(p: Participant, where: string): Promise<void> {
  assert.deepEqual(await axeViolations(p.page), [], `axe on ${where}`);
  assert.deepEqual(await unreachableByKeyboard(p.page), [], `controls the keyboard can't reach on ${where}`);
}

for (const [size, context] of SIZES) {
  test(`pre-join, lobby and call at ${size} size`, { timeout: 90_000 }, async () => {
    const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice', { context: { ...context, bypassCSP: true } });
    await audit(host, 'the home page');
    const url = await host.startMeeting('Accessible meeting');
    await host.page.waitForSelector('#devices .device-field:not([hidden])');
    await audit(host, 'the pre-join screen');
    await host.join();

    const guest = await Participant.open(fx.browser, url, 'Bob', { context: { ...context, bypassCSP: true } });
    await guest.joinAndWaitFor('lobby');
    await audit(guest, 'the lobby');
    await host.page.waitForSelector('[data-knock-id]');
    await audit(host, 'the call with someone knocking');
    await host.admit('Bob');
    await guest.waitForState('connected');
    await host.page.waitForFunction(() => document.querySelectorAll('.tile').length === 2);

    await audit(host, 'the call');
    await host.page.click('#toggle-participants');
    await host.page.waitForSelector('#participants-panel:not([hidden]) [data-participant-row]');
    await audit(host, 'the call with the participants panel');
    await host.page.click('#chat-toggle');
    await host.page.waitForSelector('#chat-panel:not([hidden])');
    await audit(host, 'the call with the chat');
    await host.page.click('#e2ee-indicator');
    await host.page.waitForSelector('#security-panel:not([hidden])');
    await audit(host, 'the call with the encryption details');
    await host.page.click('#reactions:not([disabled])');
    await host.page.waitForSelector('#reaction-picker:not([hidden])');
    await audit(host, 'the call with the reactions');
    await audit(guest, "a guest's call");
    await guest.close();
    await host.close();
  });
}

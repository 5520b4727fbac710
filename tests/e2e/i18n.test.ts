/**
 * Languages: the page starts in the browser's language, and the language switch changes every
 * string a person sees or hears: each visible text node, accessible name, placeholder and title of
 * the pre-join screen, the lobby and the call (with someone knocking, with the participants panel,
 * with the chat) is read in German, the switch set to English, and each one must have changed,
 * except the few strings that are the same in both languages (names, the title, digits…).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant } from '../helpers/meeting-page.js';

const fx = useServerAndBrowser();

const TITLE = 'Projekt Zebra';
const MESSAGE = 'Guten Morgen!';
/** Written the same in German and English, or not ours to translate (names, the title, a message). */
const SAME_IN_BOTH = new Set(['Confab', 'Host', 'Chat', 'Details', 'OK', 'Alice', 'Bob', TITLE, MESSAGE]);
const NUMBERS = /^[\d\s:.,+\-–%]*$/;

/**
 * Reads every visible string into `window.__strings` (a way to read it again, where it came from,
 * and its text) and returns how many. Plain JavaScript: tsx would wrap the helper functions of a
 * TypeScript function in a `__name()` that does not exist in the page.
 */
const READ_STRINGS = `(() => {
  const entries = [];
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList[0] ? '.' + el.classList[0] : '');
  const add = (read, where) => {
    const text = read().trim();
    if (text) entries.push({ read: () => read().trim(), where, text });
  };
  // Transient announcements come and go while we read; the catalog tests cover their texts.
  const shown = (el) => el.checkVisibility({ checkVisibilityCSS: true }) && !el.closest('#toast');
  // Translating replaces an element's text node: read the element's own text instead.
  const ownText = (el) => [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('');
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el)) continue;
    if (!['SCRIPT', 'STYLE', 'OPTION'].includes(el.tagName)) add(() => ownText(el), 'text of ' + describe(el));
    for (const attr of ['aria-label', 'placeholder', 'title', 'alt', 'aria-valuetext']) {
      if (el.hasAttribute(attr)) add(() => el.getAttribute(attr) ?? '', attr + ' of ' + describe(el));
    }
    // A closed <select> shows its chosen option.
    if (el instanceof HTMLSelectElement && el.selectedOptions[0]) add(() => el.selectedOptions[0]?.textContent ?? '', 'chosen option of ' + describe(el));
  }
  add(() => document.title, 'document title');
  window.__strings = entries;
  return entries.length;
})()`;

async function readStrings(page: Page): Promise<number> {
  return page.evaluate(READ_STRINGS) as Promise<number>;
}

/** The strings read by readStrings that have not changed since (`where: text`). */
async function unchangedStrings(page: Page, allowed: Set<string>): Promise<string[]> {
  const same = await page.evaluate(() =>
    (window as unknown as { __strings: { read(): string; where: string; text: string }[] }).__strings
      .filter((e) => e.read() === e.text)
      .map((e) => ({ where: e.where, text: e.text })),
  );
  return same.filter((e) => !allowed.has(e.text) && !NUMBERS.test(e.text)).map((e) => `${e.where}: "${e.text}"`);
}

/** Reads the page in German, switches to English, and returns what did not change. */
async function untranslated(page: Page, extraAllowed: string[] = []): Promise<string[]> {
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  const count = await readStrings(page);
  assert.ok(count > 5, `only ${count} strings found`);
  await page.selectOption('#language', 'en');
  await page.waitForFunction(() => document.documentElement.lang === 'en');
  return unchangedStrings(page, new Set([...SAME_IN_BOTH, ...extraAllowed]));
}

test('the language follows the browser: German for de-DE, English for en-US', { timeout: 60_000 }, async () => {
  for (const [locale, lang, join] of [
    ['de-DE', 'de', 'Beitreten'],
    ['en-US', 'en', 'Join meeting'],
  ] as const) {
    const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice', { context: { locale } });
    await host.startMeeting(TITLE);
    assert.equal(await host.page.evaluate(() => document.documentElement.lang), lang, locale);
    assert.equal((await host.page.textContent('#join'))?.trim(), join, locale);
    await host.close();
  }
});

test('switching to English changes every string of pre-join, lobby and call', { timeout: 90_000 }, async () => {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice', { context: { locale: 'de-DE' } });
  const url = await host.startMeeting(TITLE);
  await host.page.waitForSelector('#devices .device-field:not([hidden])');
  // Device names come from the browser, in no language of ours.
  const devices = await host.page.$$eval('#devices option', (options) => options.map((o) => o.textContent ?? ''));
  assert.deepEqual(await untranslated(host.page, devices), [], 'pre-join');
  await host.page.selectOption('#language', 'de');
  await host.join();

  const guest = await Participant.open(fx.browser, url, 'Bob', { context: { locale: 'de-DE' } });
  await guest.joinAndWaitFor('lobby');
  assert.deepEqual(await untranslated(guest.page), [], 'lobby');
  await host.page.waitForSelector('[data-knock-id]');
  assert.deepEqual(await untranslated(host.page), [], 'call with someone knocking');
  await host.page.selectOption('#language', 'de');
  await host.admit('Bob');
  await guest.waitForState('connected');
  await host.page.waitForFunction(() => document.querySelectorAll('.tile').length === 2);

  await host.page.click('#toggle-participants');
  await host.page.waitForSelector('#participants-panel:not([hidden]) [data-participant-row]');
  assert.deepEqual(await untranslated(host.page), [], 'call with the participants panel');
  await host.page.selectOption('#language', 'de');

  await host.page.click('#chat-toggle');
  await host.page.fill('#chat-input', MESSAGE);
  await host.page.click('#chat-send');
  await host.page.waitForSelector('#chat-messages li');
  assert.deepEqual(await untranslated(host.page), [], 'call with the chat');
  await guest.close();
  await host.close();
});

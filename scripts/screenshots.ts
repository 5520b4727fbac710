/**
 * `npm run screenshots`: the real server and Debian's Chromium (fake camera playing a noise video,
 * a talking fake microphone), and PNGs in screenshots/ of the main screens in German and English,
 * for a person to look at: pre-join, the lobby, the call in tile and speaker view, the chat, and
 * pre-join and call on a phone. The npm script builds the client first.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { launchBrowser, waitFor } from '../tests/helpers/browser.js';
import { noiseVideo, voiceWav } from '../tests/helpers/fake-media.js';
import { Participant } from '../tests/helpers/meeting-page.js';
import { startServer } from '../tests/helpers/server.js';
import { DESKTOP, PHONE } from '../tests/helpers/viewports.js';

const OUT = 'screenshots';

const TEXT = {
  de: { title: 'Wochenbesprechung Team Nord', message: 'Hallo zusammen! Ich teile gleich die Folien.' },
  en: { title: 'Weekly team north sync', message: 'Hi everyone! I will share the slides in a minute.' },
};

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser([
    `--use-file-for-fake-video-capture=${await noiseVideo()}`,
    `--use-file-for-fake-audio-capture=${await voiceWav('speech')}`,
  ]);
  try {
    for (const lang of ['de', 'en'] as const) await shoot(browser, server.hostLink!, lang);
  } finally {
    await browser.close();
    await server.stop();
  }
}

async function shoot(browser: Browser, hostLink: string, lang: 'de' | 'en'): Promise<void> {
  const locale = lang === 'de' ? 'de-DE' : 'en-US';
  const open = (url: string, name: string, context: BrowserContextOptions = {}) =>
    Participant.open(browser, url, name, { context: { ...DESKTOP, locale, ...context } });
  const shot = async (p: Participant, name: string) => {
    // Join and leave announcements would cover part of the picture.
    await p.page.waitForFunction(() => !document.querySelector('.toast--visible'), undefined, { timeout: 10_000 });
    // Away from the tiles, whose buttons show on hover.
    await p.page.mouse.move(0, 0);
    const path = join(OUT, `${name}-${lang}.png`);
    await p.page.screenshot({ path });
    console.log(`wrote ${path}`);
  };

  const host = await open(hostLink, 'Alice Example');
  const url = await host.startMeeting(TEXT[lang].title);
  await host.page.fill('#name', host.name);
  await host.page.waitForFunction(() => {
    const video = document.querySelector<HTMLVideoElement>('#preview');
    return video && video.readyState >= 2 && !document.querySelector('#devices .device-field[hidden]');
  });
  await shot(host, 'prejoin');
  await host.join();

  const guests: Participant[] = [];
  for (const name of ['Bob Builder', 'Carol Jones']) {
    const guest = await open(url, name);
    await guest.joinAndWaitFor('lobby');
    if (guests.length === 0) await shot(guest, 'lobby');
    await host.admit(name);
    await guest.waitForState('connected');
    guests.push(guest);
  }
  const everyone = [host, ...guests];
  await waitForVideos(host, 2);
  await shot(host, 'call-tiles');

  if (await host.page.$('#toggle-view')) {
    await host.page.click('#toggle-view');
    await host.page.waitForSelector('.stage--speaker');
    await shot(host, 'call-speaker');
    await host.page.click('#toggle-view');
  } else console.log('note: no #toggle-view (speaker view) yet; skipped its screenshot');

  const sender = guests[0]!;
  // Chat is end-to-end encrypted: it can send once everyone's key is there.
  await waitFor(`${sender.name} holding both keys`, () =>
    sender.page.evaluate(() => {
      const peers = (window as unknown as { __confab: { e2ee: { peers: Record<string, { status: string }> } | null } }).__confab.e2ee?.peers ?? {};
      return Object.values(peers).filter((p) => p.status === 'secure').length === 2 ? true : undefined;
    }),
  );
  await sender.page.click('#chat-toggle');
  await sender.page.fill('#chat-input', TEXT[lang].message);
  await sender.page.click('#chat-send');
  await host.page.click('#chat-toggle');
  await host.page.waitForSelector('#chat-messages li');
  await shot(host, 'call-chat');

  const phone = await open(url, 'Dana Phone', PHONE);
  await phone.page.waitForFunction(() => (document.querySelector<HTMLVideoElement>('#preview')?.readyState ?? 0) >= 2);
  await shot(phone, 'prejoin-mobile');
  await phone.joinAndWaitFor('lobby');
  await host.admit(phone.name);
  await phone.waitForState('connected');
  await waitForVideos(phone, 3);
  await shot(phone, 'call-mobile');

  for (const p of [...everyone, phone]) await p.close();
}

/** Until `count` remote tiles show moving pictures. */
async function waitForVideos(p: Participant, count: number): Promise<void> {
  await waitFor(`${p.name} showing ${count} videos`, () =>
    p.page.evaluate((n) => {
      const videos = [...document.querySelectorAll<HTMLVideoElement>('.tile:not([data-local]):not(.tile--no-video) video')];
      return videos.filter((v) => v.readyState >= 2 && v.videoWidth > 0).length >= n ? true : undefined;
    }, count),
  );
}

await main();

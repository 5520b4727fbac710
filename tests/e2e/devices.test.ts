/**
 * Device choice before joining: the camera, microphone and speaker lists show Chromium's fake
 * devices and follow a device going away; a chosen camera drives the preview at once; the choices
 * are remembered after a reload and carried into the call (the tracks we send, the output the
 * others' audio plays on); the microphone level meter moves, and drops to 0 when muted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { waitFor } from '../helpers/browser.js';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant } from '../helpers/meeting-page.js';

// Two fake cameras, so there is one to switch to.
const fx = useServerAndBrowser({ browserArgs: async () => ['--use-fake-device-for-media-stream=device-count=2'] });

async function options(page: Page, select: string): Promise<{ label: string; value: string }[]> {
  return page.$$eval(`${select} option`, (els) => els.map((o) => ({ label: o.textContent ?? '', value: (o as HTMLOptionElement).value })));
}

async function choose(page: Page, select: string, label: string): Promise<string> {
  const option = (await options(page, select)).find((o) => o.label === label);
  assert.ok(option, `${select} offers ${label}`);
  await page.selectOption(select, option.value);
  return option.value;
}

const previewCamera = (page: Page) =>
  page.evaluate(() => ((document.querySelector('#preview') as HTMLVideoElement).srcObject as MediaStream | null)?.getVideoTracks()[0]?.getSettings().deviceId);

const meterLevel = async (page: Page) => Number(await page.getAttribute('#mic-level', 'aria-valuenow'));

test('choose camera, microphone and speaker before joining; they stay for the call', { timeout: 90_000 }, async () => {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice');
  const url = await host.startMeeting('Devices', { lobby: false });
  await host.page.waitForSelector('#device-speaker');
  await waitFor('three device lists', async () => ((await options(host.page, '#device-camera')).length === 2 ? true : undefined));
  assert.equal((await options(host.page, '#device-microphone')).length, 3);
  assert.equal((await options(host.page, '#device-speaker')).length, 3);

  // The level meter hears the fake microphone's beeps, and nothing once muted.
  await waitFor('the level meter moving', async () => ((await meterLevel(host.page)) > 0 ? true : undefined));
  await host.page.click('#toggle-audio');
  await waitFor('the level meter at 0 while muted', async () => ((await meterLevel(host.page)) === 0 ? true : undefined));
  await host.page.click('#toggle-audio');

  // The other camera drives the preview at once.
  const before = await previewCamera(host.page);
  const cameraId = (await options(host.page, '#device-camera')).find((c) => c.value !== before)!.value;
  await host.page.selectOption('#device-camera', cameraId);
  await waitFor('the preview on the chosen camera', async () => ((await previewCamera(host.page)) === cameraId ? true : undefined));
  const micId = await choose(host.page, '#device-microphone', 'Fake Audio Input 1');
  const speakerId = await choose(host.page, '#device-speaker', 'Fake Audio Output 1');

  // A device that goes away leaves the list.
  await host.page.evaluate(() => {
    const md = navigator.mediaDevices;
    const all = md.enumerateDevices.bind(md);
    md.enumerateDevices = async () => (await all()).filter((d) => d.label !== 'Fake Audio Input 2');
    md.dispatchEvent(new Event('devicechange'));
  });
  await waitFor('the unplugged microphone gone from the list', async () =>
    (await options(host.page, '#device-microphone')).some((o) => o.label === 'Fake Audio Input 2') ? undefined : true,
  );

  // Remembered: after a reload the same devices are chosen and used.
  await host.page.reload();
  await host.waitForState('prejoin');
  await waitFor('the remembered camera in the preview', async () => ((await previewCamera(host.page)) === cameraId ? true : undefined));
  assert.equal(await host.page.inputValue('#device-microphone'), micId);
  assert.equal(await host.page.inputValue('#device-speaker'), speakerId);

  // In the call: we send the chosen devices, and the others' audio plays on the chosen output.
  await host.join();
  const guest = await Participant.open(fx.browser, url, 'Bob');
  await guest.join();
  const sent = await waitFor('both tracks sent', () =>
    host.page.evaluate(() => {
      const pc = (window as unknown as { __confab: { pc: RTCPeerConnection | null } }).__confab.pc;
      const ids = Object.fromEntries((pc?.getSenders() ?? []).filter((s) => s.track).map((s) => [s.track!.kind, s.track!.getSettings().deviceId]));
      return ids.audio && ids.video ? ids : undefined;
    }),
  );
  assert.deepEqual(sent, { audio: micId, video: cameraId });
  await waitFor("the guest's audio on the chosen speaker", () =>
    host.page.evaluate((id) => {
      const sinks = [...document.querySelectorAll<HTMLAudioElement>('.audio-sinks audio')];
      return sinks.length > 0 && sinks.every((a) => a.sinkId === id) ? true : undefined;
    }, speakerId),
  );
  await guest.close();
  await host.close();
});

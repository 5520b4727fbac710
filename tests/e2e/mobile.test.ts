/**
 * On a 390x844 phone: on the pre-join screen and in the call (someone knocking, the participants
 * panel, the chat, the reactions), no visible control is cut off (its box lies inside the screen,
 * or inside a container that scrolls to it) and no two visible controls overlap.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { useServerAndBrowser } from '../helpers/e2e-setup.js';
import { Participant } from '../helpers/meeting-page.js';
import { CONTROLS } from '../helpers/ui-audit.js';
import { PHONE } from '../helpers/viewports.js';

const fx = useServerAndBrowser();

/**
 * The layout problems of the visible controls, one line each. Plain JavaScript: tsx would wrap the
 * helper functions of a TypeScript function in a `__name()` that does not exist in the page.
 */
const LAYOUT_PROBLEMS = `((selector) => {
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList[0] ? '.' + el.classList[0] : '') +
    ' "' + (el.getAttribute('aria-label') || el.textContent.trim()).slice(0, 40) + '"';
  const controls = [...document.querySelectorAll(selector)].filter((el) => {
    const r = el.getBoundingClientRect();
    return el.checkVisibility({ checkVisibilityCSS: true, checkOpacityProperty: true }) && r.width > 0 && r.height > 0;
  });
  const problems = [];
  const TOLERANCE = 1;
  const rootScrolls = (axis) =>
    [document.documentElement, document.body].every((el) => getComputedStyle(el)[axis === 'x' ? 'overflowX' : 'overflowY'] !== 'hidden');
  // The part of each control that is on screen now (scrolled-away parts hidden by containers).
  const shown = new Map();
  for (const el of controls) {
    const r = el.getBoundingClientRect();
    // What has to be on screen: the control, or the nearest scrolling container that holds it.
    const box = { x: [r.left, r.right], y: [r.top, r.bottom] };
    const clip = { x: [Math.max(0, r.left), Math.min(innerWidth, r.right)], y: [Math.max(0, r.top), Math.min(innerHeight, r.bottom)] };
    let fixed = getComputedStyle(el).position === 'fixed';
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      const ar = a.getBoundingClientRect();
      for (const axis of ['x', 'y']) {
        const overflow = axis === 'x' ? style.overflowX : style.overflowY;
        if (overflow === 'visible') continue;
        const [lo, hi] = axis === 'x' ? [ar.left, ar.right] : [ar.top, ar.bottom];
        clip[axis] = [Math.max(clip[axis][0], lo), Math.min(clip[axis][1], hi)];
        if (overflow === 'auto' || overflow === 'scroll') box[axis] = [lo, hi];
        else if (box[axis][0] < lo - TOLERANCE || box[axis][1] > hi + TOLERANCE) problems.push(describe(el) + ' is cut off by ' + describe(a));
      }
      if (style.position === 'fixed') fixed = true;
    }
    shown.set(el, clip);
    const [left, right] = box.x;
    const [top, bottom] = box.y;
    if (left < -TOLERANCE || right > innerWidth + TOLERANCE) problems.push(describe(el) + ' is outside the screen (x ' + Math.round(left) + '..' + Math.round(right) + ')');
    if ((fixed || !rootScrolls('y')) && (top < -TOLERANCE || bottom > innerHeight + TOLERANCE)) {
      problems.push(describe(el) + ' is outside the screen (y ' + Math.round(top) + '..' + Math.round(bottom) + ')');
    }
  }
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const [a, b] = [controls[i], controls[j]];
      if (a.contains(b) || b.contains(a)) continue;
      const [ca, cb] = [shown.get(a), shown.get(b)];
      const w = Math.min(ca.x[1], cb.x[1]) - Math.max(ca.x[0], cb.x[0]);
      const h = Math.min(ca.y[1], cb.y[1]) - Math.max(ca.y[0], cb.y[0]);
      if (w > TOLERANCE && h > TOLERANCE) problems.push(describe(a) + ' overlaps ' + describe(b));
    }
  }
  return [...new Set(problems)];
})`;

async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(`${LAYOUT_PROBLEMS}(${JSON.stringify(CONTROLS)})`) as Promise<string[]>;
}

test('phone: pre-join and call controls fit the screen and do not overlap', { timeout: 90_000 }, async () => {
  const host = await Participant.open(fx.browser, fx.server.hostLink!, 'Alice', { context: PHONE });
  const url = await host.startMeeting('A meeting with a rather long title that will not fit on a phone');
  await host.page.waitForSelector('#devices .device-field:not([hidden])');
  assert.deepEqual(await layoutProblems(host.page), [], 'pre-join');
  await host.join();

  const guest = await Participant.open(fx.browser, url, 'Bob Builder-Longname', { context: PHONE });
  await guest.joinAndWaitFor('lobby');
  assert.deepEqual(await layoutProblems(guest.page), [], 'lobby');
  await host.page.waitForSelector('[data-knock-id]');
  assert.deepEqual(await layoutProblems(host.page), [], 'call with someone knocking');
  await host.admit('Bob Builder-Longname');
  await guest.waitForState('connected');
  await host.page.waitForFunction(() => document.querySelectorAll('.tile').length === 2);
  assert.deepEqual(await layoutProblems(host.page), [], 'call');
  assert.deepEqual(await layoutProblems(guest.page), [], "a guest's call");

  await host.page.click('#toggle-participants');
  await host.page.waitForSelector('#participants-panel:not([hidden]) [data-participant-row]');
  assert.deepEqual(await layoutProblems(host.page), [], 'call with the participants panel');
  await host.page.click('#chat-toggle');
  await host.page.waitForSelector('#chat-panel:not([hidden])');
  assert.deepEqual(await layoutProblems(host.page), [], 'call with the chat');
  await host.page.click('#close-chat');
  await host.page.click('#reactions:not([disabled])');
  await host.page.waitForSelector('#reaction-picker:not([hidden])');
  assert.deepEqual(await layoutProblems(host.page), [], 'call with the reactions');
  await guest.close();
  await host.close();
});

/**
 * Checks of what a page shows, for the accessibility, language and mobile tests: axe-core's
 * serious and critical violations, controls the keyboard can't reach, and the visible controls
 * with their boxes. (axe is injected as a script tag: the page's context must have `bypassCSP`.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults } from 'axe-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What counts as a control: everything a person can operate. */
export const CONTROLS = 'button, select, input:not([type="hidden"]), textarea, a[href], [role="button"], [role="checkbox"], [role="switch"], summary';

/** axe's serious and critical violations, one line per element. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<AxeResults> } }).axe;
    return (await axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary ?? v.help}`));
}

/**
 * Tabs through the page from the top and returns the visible, enabled controls that never got
 * the focus (described by tag, id and name).
 */
export async function unreachableByKeyboard(page: Page): Promise<string[]> {
  const count = await page.evaluate((selector) => {
    const visible = [...document.querySelectorAll<HTMLElement>(selector)].filter(
      (el) => el.checkVisibility({ checkVisibilityCSS: true }) && !(el as HTMLButtonElement).disabled && !el.closest('[inert]'),
    );
    document.querySelectorAll('[data-kbd]').forEach((el) => el.removeAttribute('data-kbd'));
    visible.forEach((el, i) => el.setAttribute('data-kbd', String(i)));
    (document.activeElement as HTMLElement | null)?.blur();
    return visible.length;
  }, CONTROLS);
  const reached = new Set<string>();
  for (let i = 0; i < count + 10; i++) {
    await page.keyboard.press('Tab');
    const index = await page.evaluate(() => document.activeElement?.getAttribute('data-kbd') ?? null);
    if (index !== null) reached.add(index);
    if (reached.size === count) break;
  }
  return page.evaluate(
    (seen) =>
      [...document.querySelectorAll<HTMLElement>('[data-kbd]')]
        .filter((el) => !seen.includes(el.dataset.kbd!))
        .map((el) => `${el.tagName.toLowerCase()}#${el.id} "${el.getAttribute('aria-label') ?? el.textContent?.trim() ?? ''}"`),
    [...reached],
  );
}

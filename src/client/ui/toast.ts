/** Short, polite announcements ("Invite link copied."), visible and read by screen readers. */
import { h } from '../dom.js';
import { translate, type MessageKey, type Params } from '../i18n/index.js';

let region: HTMLElement | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;

function ensureRegion(): HTMLElement {
  if (!region || !region.isConnected) {
    region = h('div', { id: 'toast', class: 'toast', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
    document.body.appendChild(region);
  }
  return region;
}

export function showToast(key: MessageKey, params?: Params, ms = 4000): void {
  const el = ensureRegion();
  const message = translate(h('span'), key, params);
  el.replaceChildren(message);
  el.classList.add('toast--visible');
  clearTimeout(timer);
  timer = setTimeout(() => {
    el.classList.remove('toast--visible');
    el.replaceChildren();
  }, ms);
}

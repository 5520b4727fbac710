/** Header of the home, pre-join and end screens: product name and language switch. */
import { h } from '../dom.js';
import { translate } from '../i18n/index.js';
import { languageSwitch } from './language-switch.js';

export function topBar(): HTMLElement {
  const brand = h('a', { class: 'brand', href: '/' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), translate(h('span'), 'app.name'));
  return h('header', { class: 'topbar' }, brand, languageSwitch());
}

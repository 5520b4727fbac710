/** The visible language switch: a native <select>, persisted, re-translates the page in place. */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { LANGUAGES, isLanguage, language, nativeName, setLanguage, translateAttr } from '../i18n/index.js';

export function languageSwitch(): HTMLElement {
  const select = h('select', { id: 'language', class: 'language-select' });
  translateAttr(select, 'aria-label', 'language.label');
  for (const lang of LANGUAGES) {
    const option = h('option', { value: lang, lang }, nativeName(lang));
    option.selected = lang === language();
    select.appendChild(option);
  }
  select.addEventListener('change', () => {
    if (isLanguage(select.value)) setLanguage(select.value, true);
  });
  return h('div', { class: 'language-switch' }, icon('globe', 'icon icon--small'), select);
}

/** The keyboard shortcuts help (`#shortcuts-dialog`), opened with "?". */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, translateAttr } from '../i18n/index.js';
import { SHORTCUTS } from './keyboard-shortcuts.js';

export function shortcutsDialog(): { el: HTMLDialogElement; open(): void } {
  const close = h('button', { type: 'button', id: 'close-shortcuts', class: 'icon-button' }, icon('close'));
  translateAttr(close, 'aria-label', 'shortcuts.close');
  translateAttr(close, 'title', 'shortcuts.close');
  const list = h(
    'dl',
    { class: 'shortcut-list' },
    ...SHORTCUTS.flatMap((s) => [h('dt', {}, h('kbd', {}, s.key)), translate(h('dd'), s.label)]),
  );
  const el = h(
    'dialog',
    { id: 'shortcuts-dialog', class: 'dialog shortcuts-dialog', 'aria-labelledby': 'shortcuts-title' },
    h('div', { class: 'panel-head' }, translate(h('h2', { id: 'shortcuts-title', class: 'panel-title' }), 'shortcuts.title'), close),
    list,
    translate(h('p', { class: 'hint' }), 'shortcuts.hint'),
  );
  close.addEventListener('click', () => el.close());
  return {
    el,
    open: () => {
      if (el.open) return;
      el.showModal();
      close.focus();
    },
  };
}

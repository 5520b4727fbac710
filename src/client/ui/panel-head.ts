/** The head every side panel (participants, chat, security) starts with: its title and a close button. */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, translateAttr, type MessageKey } from '../i18n/index.js';

export interface PanelHeadOptions {
  /** The heading's id, which the panel's `aria-labelledby` points at. */
  headingId: string;
  title: MessageKey;
  closeId: string;
  /** The close button's accessible name (and tooltip). */
  closeLabel: MessageKey;
  onClose(): void;
}

export function panelHead(opts: PanelHeadOptions): { head: HTMLElement; close: HTMLButtonElement } {
  const heading = translate(h('h2', { id: opts.headingId, class: 'panel-title' }), opts.title);
  const close = h('button', { type: 'button', id: opts.closeId, class: 'icon-button' }, icon('close'));
  translateAttr(close, 'aria-label', opts.closeLabel);
  translateAttr(close, 'title', opts.closeLabel);
  close.addEventListener('click', opts.onClose);
  return { head: h('div', { class: 'panel-head' }, heading, close), close };
}

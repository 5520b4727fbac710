/**
 * The reactions button (`#reactions`) and its picker (`#reaction-picker`, one `.reaction-option`
 * per emoji of the protocol's fixed list). It stays open for a round of applause; Escape, the button
 * or a click elsewhere closes it. Arrow keys move between the emoji.
 */
import { REACTION_EMOJI, type ReactionEmoji } from '../../protocol/e2ee.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translateAttr, type MessageKey } from '../i18n/index.js';

export const REACTION_KEYS: Record<ReactionEmoji, MessageKey> = {
  '👍': 'reaction.thumbsUp',
  '👏': 'reaction.clap',
  '😂': 'reaction.laugh',
  '😮': 'reaction.surprised',
  '❤️': 'reaction.heart',
  '🎉': 'reaction.party',
};

export interface ReactionPicker {
  el: HTMLElement;
  button: HTMLButtonElement;
  setEnabled(enabled: boolean): void;
  dispose(): void;
}

export function reactionPicker(onPick: (emoji: ReactionEmoji) => void): ReactionPicker {
  const button = h(
    'button',
    { type: 'button', id: 'reactions', class: 'round-button', 'aria-expanded': 'false', 'aria-controls': 'reaction-picker' },
    icon('smile'),
  );
  translateAttr(button, 'aria-label', 'reaction.button');
  translateAttr(button, 'title', 'reaction.button');
  const options = REACTION_EMOJI.map((emoji) => {
    const option = h('button', { type: 'button', class: 'reaction-option', 'data-emoji': emoji }, emoji);
    translateAttr(option, 'aria-label', REACTION_KEYS[emoji]);
    translateAttr(option, 'title', REACTION_KEYS[emoji]);
    option.addEventListener('click', () => onPick(emoji));
    return option;
  });
  const picker = h('div', { id: 'reaction-picker', class: 'reaction-picker', role: 'group', hidden: true }, ...options);
  translateAttr(picker, 'aria-label', 'reaction.picker');
  const el = h('div', { class: 'reactions' }, button, picker);

  const setOpen = (open: boolean) => {
    picker.hidden = !open;
    button.setAttribute('aria-expanded', String(open));
  };
  button.addEventListener('click', () => {
    setOpen(picker.hidden);
    if (!picker.hidden) options[0]?.focus();
  });
  picker.addEventListener('keydown', (ev) => {
    const i = options.indexOf(document.activeElement as HTMLButtonElement);
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      setOpen(false);
      button.focus();
    } else if ((ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') && i >= 0) {
      ev.preventDefault();
      options[(i + (ev.key === 'ArrowRight' ? 1 : options.length - 1)) % options.length]?.focus();
    }
  });
  const outside = (ev: PointerEvent) => {
    if (!picker.hidden && !el.contains(ev.target as Node)) setOpen(false);
  };
  document.addEventListener('pointerdown', outside);
  return {
    el,
    button,
    setEnabled: (enabled) => {
      button.disabled = !enabled;
      if (!enabled) setOpen(false);
    },
    dispose: () => document.removeEventListener('pointerdown', outside),
  };
}

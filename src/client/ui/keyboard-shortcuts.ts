/**
 * Keyboard shortcuts in the call: single keys, no Ctrl/Alt/Meta (those belong to the browser and
 * the system), and never while typing in a field or while a dialog is open.
 */
import type { MessageKey } from '../i18n/index.js';

export type ShortcutAction = 'mic' | 'camera' | 'hand' | 'chat' | 'participants' | 'help';

/** In the order the help dialog lists them. `key` is what `KeyboardEvent.key` gives, upper-cased. */
export const SHORTCUTS: readonly { key: string; action: ShortcutAction; label: MessageKey }[] = [
  { key: 'M', action: 'mic', label: 'shortcuts.mic' },
  { key: 'V', action: 'camera', label: 'shortcuts.camera' },
  { key: 'H', action: 'hand', label: 'shortcuts.hand' },
  { key: 'C', action: 'chat', label: 'shortcuts.chat' },
  { key: 'P', action: 'participants', label: 'shortcuts.participants' },
  { key: '?', action: 'help', label: 'shortcuts.help' },
];

/** The parts of a KeyboardEvent that decide (so that the rule is testable without a browser). */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  repeat: boolean;
  defaultPrevented: boolean;
  target: unknown;
}

export function shortcutFor(ev: KeyPress): ShortcutAction | null {
  if (ev.ctrlKey || ev.altKey || ev.metaKey || ev.repeat || ev.defaultPrevented) return null;
  if (isTypingOrInDialog(ev.target)) return null;
  const key = ev.key.length === 1 ? ev.key.toUpperCase() : ev.key;
  return SHORTCUTS.find((s) => s.key === key)?.action ?? null;
}

function isTypingOrInDialog(target: unknown): boolean {
  const el = target as { tagName?: unknown; isContentEditable?: unknown; closest?: (selector: string) => unknown } | null;
  if (!el) return false;
  if (el.isContentEditable === true) return true;
  if (typeof el.tagName === 'string' && ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName)) return true;
  return typeof el.closest === 'function' && el.closest('dialog[open]') !== null;
}

/** Listens on the document; returns the function that stops listening. */
export function installShortcuts(actions: Record<ShortcutAction, () => void>): () => void {
  const onKey = (ev: KeyboardEvent) => {
    const action = shortcutFor(ev);
    if (!action) return;
    ev.preventDefault();
    actions[action]();
  };
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

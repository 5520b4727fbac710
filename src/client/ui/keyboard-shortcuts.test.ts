import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shortcutFor, SHORTCUTS, type KeyPress } from './keyboard-shortcuts.js';

const press = (key: string, more: Partial<KeyPress> = {}): KeyPress => ({
  key,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  repeat: false,
  defaultPrevented: false,
  target: { tagName: 'BODY', closest: () => null },
  ...more,
});

test('each key maps to its action, in either case; ? opens the help', () => {
  assert.deepEqual(['m', 'V', 'h', 'c', 'P', '?'].map((k) => shortcutFor(press(k))), ['mic', 'camera', 'hand', 'chat', 'participants', 'help']);
  assert.equal(shortcutFor(press('x')), null);
  assert.equal(shortcutFor(press('Enter')), null);
  assert.equal(new Set(SHORTCUTS.map((s) => s.key)).size, SHORTCUTS.length);
});

test('not with Ctrl, Alt or Meta, not on key repeat, not when already handled', () => {
  for (const more of [{ ctrlKey: true }, { altKey: true }, { metaKey: true }, { repeat: true }, { defaultPrevented: true }]) {
    assert.equal(shortcutFor(press('m', more)), null, JSON.stringify(more));
  }
});

test('not while typing in a field, nor inside an open dialog; a focused button is fine', () => {
  for (const tagName of ['INPUT', 'TEXTAREA', 'SELECT']) assert.equal(shortcutFor(press('m', { target: { tagName } })), null, tagName);
  assert.equal(shortcutFor(press('m', { target: { tagName: 'DIV', isContentEditable: true } })), null);
  const inDialog = { tagName: 'BUTTON', closest: (sel: string) => (sel === 'dialog[open]' ? {} : null) };
  assert.equal(shortcutFor(press('?', { target: inDialog })), null);
  assert.equal(shortcutFor(press('m', { target: { tagName: 'BUTTON', closest: () => null } })), 'mic');
  assert.equal(shortcutFor(press('m', { target: null })), 'mic');
});

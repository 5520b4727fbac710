/** Both catalogs are complete and consistent: same keys, no empty strings, same {placeholders}. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { de } from './de.js';
import { en } from './en.js';

const catalogs: Record<string, Record<string, string>> = { en, de };
const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

test('catalogs have identical keys', () => {
  const reference = Object.keys(en).sort();
  for (const [lang, catalog] of Object.entries(catalogs)) {
    assert.deepEqual(Object.keys(catalog).sort(), reference, `${lang} keys differ from en`);
  }
});

test('no empty or whitespace-only strings', () => {
  for (const [lang, catalog] of Object.entries(catalogs)) {
    for (const [key, value] of Object.entries(catalog)) {
      assert.equal(typeof value, 'string', `${lang}.${key} is not a string`);
      assert.ok(value.trim().length > 0, `${lang}.${key} is empty`);
    }
  }
});

test('every translation uses the same {placeholders} as English', () => {
  for (const [lang, catalog] of Object.entries(catalogs)) {
    for (const [key, value] of Object.entries(catalog)) {
      assert.deepEqual(placeholders(value), placeholders(en[key as keyof typeof en]), `${lang}.${key} placeholders`);
    }
  }
});

test('no unbalanced braces (a typo would show up as literal text)', () => {
  for (const [lang, catalog] of Object.entries(catalogs)) {
    for (const [key, value] of Object.entries(catalog)) {
      const stripped = value.replace(/\{\w+\}/g, '');
      assert.ok(!/[{}]/.test(stripped), `${lang}.${key} has a stray brace`);
    }
  }
});

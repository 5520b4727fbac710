/**
 * Translation at run time. Elements are translated through `translate` / `translateAttr`, which
 * remember the key on the element (data-i18n*), so switching the language re-translates the page in
 * place without rebuilding views (and without touching playing video elements).
 */
import { load, save } from '../storage.js';
import { de } from './de.js';
import { en, type MessageKey, type Messages } from './en.js';

export type { MessageKey } from './en.js';
export type Params = Record<string, string | number>;

export const LANGUAGES = ['en', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

const catalogs: Record<Language, Messages> = { en, de };
let current: Language = 'en';
const listeners = new Set<(lang: Language) => void>();

export function isLanguage(v: unknown): v is Language {
  return typeof v === 'string' && (LANGUAGES as readonly string[]).includes(v);
}

/** Stored choice, else the first browser language we have, else English. */
export function detectLanguage(): Language {
  const stored = load('language');
  if (isLanguage(stored)) return stored;
  const preferred = navigator.languages?.length ? navigator.languages : [navigator.language];
  for (const tag of preferred) {
    const base = (tag ?? '').toLowerCase().split('-')[0];
    if (isLanguage(base)) return base;
  }
  return 'en';
}

export function language(): Language {
  return current;
}

/** The name of a language in that language (for the switch). */
export function nativeName(lang: Language): string {
  return catalogs[lang]['language.native'];
}

export function format(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function t(key: MessageKey, params?: Params): string {
  return format(catalogs[current][key], params);
}

/** English and German have just one/other. */
export function countKey(count: number): MessageKey {
  return count === 1 ? 'call.participants.one' : 'call.participants.other';
}

/** Sets the language (and remembers it when `persist`), updates <html lang> and the page. */
export function setLanguage(lang: Language, persist = false): void {
  current = lang;
  if (persist) save('language', lang);
  document.documentElement.lang = lang;
  retranslate(document.body);
  for (const l of listeners) l(lang);
}

export function onLanguageChange(listener: (lang: Language) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Sets the element's text from `key` and keeps it translated. */
export function translate<E extends HTMLElement>(el: E, key: MessageKey, params?: Params): E {
  el.dataset.i18n = key;
  if (params) el.dataset.i18nParams = JSON.stringify(params);
  else delete el.dataset.i18nParams;
  el.textContent = t(key, params);
  return el;
}

type TranslatableAttr = 'aria-label' | 'title' | 'placeholder';
type AttrBindings = Partial<Record<TranslatableAttr, { key: MessageKey; params?: Params }>>;

/** Sets an attribute (aria-label, title, placeholder) from `key` and keeps it translated. */
export function translateAttr<E extends Element>(el: E, attr: TranslatableAttr, key: MessageKey, params?: Params): E {
  const bindings = readAttrBindings(el);
  bindings[attr] = params ? { key, params } : { key };
  (el as unknown as HTMLElement).dataset.i18nAttrs = JSON.stringify(bindings);
  el.setAttribute(attr, t(key, params));
  return el;
}

function readAttrBindings(el: Element): AttrBindings {
  const raw = (el as HTMLElement).dataset?.i18nAttrs;
  if (!raw) return {};
  try {
    return JSON.parse(raw) as AttrBindings;
  } catch {
    return {};
  }
}

function retranslate(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const key = el.dataset.i18n as MessageKey;
    if (!(key in en)) continue;
    const params = el.dataset.i18nParams ? (JSON.parse(el.dataset.i18nParams) as Params) : undefined;
    el.textContent = t(key, params);
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-attrs]')) {
    for (const [attr, binding] of Object.entries(readAttrBindings(el))) {
      if (binding && binding.key in en) el.setAttribute(attr, t(binding.key, binding.params));
    }
  }
}

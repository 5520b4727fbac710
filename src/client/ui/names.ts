/**
 * Names are typed by the people themselves. Guests' names get a "Guest" label, so nobody can pass as
 * someone expected just by typing their name, and a name equal to someone else's is flagged.
 */
import type { Role } from '../../protocol/messages.js';
import { h } from '../dom.js';
import { translate } from '../i18n/index.js';

export function normalizeName(name: string): string {
  return name.normalize('NFKC').trim().replace(/\s+/g, ' ').toLocaleLowerCase();
}

/** How many times each (normalized) name occurs among `names`. */
export function nameCounts(names: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of names) {
    const k = normalizeName(n);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

/** A name as text, with a "Guest" label for guests and a "same name" flag when `duplicate`. */
export function nameLabel(name: string, role: Role | 'knocker', duplicate: boolean, verified = false): HTMLElement {
  return h(
    'span',
    { class: 'person-name' },
    (role === 'guest' || role === 'knocker') && !verified ? translate(h('span', { class: 'guest-label' }), 'people.guestLabel') : null,
    h('span', { class: 'person-name-text' }, name),
    duplicate ? translate(h('span', { class: 'name-flag' }), 'people.sameName') : null,
  );
}

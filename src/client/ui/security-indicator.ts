/**
 * End-to-end encryption on the call screen: the indicator in the top bar (`#e2ee-indicator`, a
 * button that opens the security panel) and the warning banner everyone sees (`#e2ee-warning`)
 * while media is not end-to-end encrypted or a key did not authenticate.
 */
import { h } from '../dom.js';
import { icon, setIcon } from '../icons.js';
import { language, onLanguageChange, translate, translateAttr } from '../i18n/index.js';
import type { CallSession } from '../session/session.js';
import { joinNames, summarizeE2ee, warningLines, type E2eeState, type E2eeSummary } from './e2ee-status.js';

/** The session's encryption as the UI sees it. */
export function sessionE2ee(session: CallSession): E2eeSummary {
  return summarizeE2ee({
    encryption: session.encryption,
    welcomed: session.participantId !== null,
    participants: session.participants.values(),
  });
}

/** Everything that can change what the encryption UI shows. */
export function onE2eeChange(session: CallSession, update: () => void): () => void {
  const offs = (['e2ee', 'participants', 'meeting', 'meetingState', 'state'] as const).map((ev) => session.events.on(ev, update));
  return () => offs.forEach((off) => off());
}

const INDICATOR_KEYS = {
  starting: 'e2ee.indicator.starting',
  encrypted: 'e2ee.indicator.encrypted',
  unencrypted: 'e2ee.indicator.unencrypted',
} as const satisfies Record<E2eeState, string>;

export interface Indicator {
  el: HTMLButtonElement;
  setExpanded(open: boolean): void;
  dispose(): void;
}

export function e2eeIndicator(session: CallSession, onActivate: () => void): Indicator {
  const label = h('span', { class: 'e2ee-indicator-label' });
  // A dot for the eye, words for screen readers: a key did not authenticate.
  const problemDot = h('span', { class: 'e2ee-indicator-problem', 'aria-hidden': 'true', hidden: true });
  const problemText = translate(h('span', { class: 'visually-hidden', hidden: true }), 'e2ee.indicator.problem');
  const el = h(
    'button',
    { type: 'button', id: 'e2ee-indicator', class: 'e2ee-indicator', 'aria-expanded': 'false', 'aria-controls': 'security-panel' },
    icon('lock', 'icon icon--small'),
    label,
    problemText,
    problemDot,
  );
  translateAttr(el, 'title', 'e2ee.indicator.details');
  el.addEventListener('click', onActivate);

  let shown = '';
  const update = () => {
    const summary = sessionE2ee(session);
    const hasProblem = summary.state === 'encrypted' && summary.failed.length > 0;
    const state = hasProblem ? 'problem' : summary.state;
    if (state === shown) return;
    shown = state;
    el.dataset.e2ee = state;
    setIcon(el, summary.state === 'unencrypted' ? 'unlock' : 'lock');
    translate(label, INDICATOR_KEYS[summary.state]);
    problemDot.hidden = !hasProblem;
    problemText.hidden = !hasProblem;
  };
  const off = onE2eeChange(session, update);
  update();
  return {
    el,
    setExpanded: (open) => el.setAttribute('aria-expanded', String(open)),
    dispose: off,
  };
}

/**
 * The banner: one line per warning, names as text. Only rebuilt when what it says changes, so a
 * screen reader announces it once, not on every key rotation.
 */
export function e2eeWarning(session: CallSession, onDetails: () => void): { el: HTMLElement; dispose(): void } {
  const lines = h('div', { class: 'e2ee-warning-lines' });
  const details = translate(h('button', { type: 'button', id: 'e2ee-warning-details', class: 'button button--small e2ee-warning-details' }), 'e2ee.warning.details');
  details.addEventListener('click', onDetails);
  const el = h(
    'div',
    { id: 'e2ee-warning', class: 'e2ee-warning', role: 'alert', hidden: true },
    icon('alert', 'icon icon--small e2ee-warning-icon'),
    lines,
    details,
  );

  let shown = '';
  const update = (force = false) => {
    const warnings = warningLines(sessionE2ee(session), session.meetingState?.allowUnencrypted ?? false);
    const signature = JSON.stringify(warnings);
    if (signature === shown && !force) return;
    shown = signature;
    el.hidden = warnings.length === 0;
    el.dataset.warnings = warnings.map((w) => w.id).join(' ');
    lines.replaceChildren(
      ...warnings.map((w) => {
        const names = w.names ?? [];
        return translate(h('p', { class: 'e2ee-warning-line', 'data-warning': w.id }), w.key, {
          name: names[0] ?? '',
          names: joinNames(names, language()),
        });
      }),
    );
  };
  const offs = [onE2eeChange(session, () => update()), onLanguageChange(() => update(true))];
  update();
  return { el, dispose: () => offs.forEach((off) => off()) };
}

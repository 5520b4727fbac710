/**
 * `/`: what this is, and, for those who may start meetings, a title and a button that creates one
 * and goes there as its host. Who may: whoever opened this server's host link in this browser (the
 * key is kept in localStorage), or everyone when the server has open creation. Everyone else gets a
 * calm explanation instead of a button that can only fail.
 */
import { MeetingTitle } from '../../protocol/messages.js';
import { createMeeting, fetchInstance, type ApiFailure } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, type MessageKey, type Params } from '../i18n/index.js';
import { hostMeetingPath, newMeetingKey, type SecretStore } from '../link-secrets.js';
import { topBar } from './top-bar.js';

export interface HomeOptions {
  secrets: SecretStore;
  /** The address had a host key that was cut off or mangled. */
  malformedHostKey?: boolean;
}

export function homeView(opts: HomeOptions): HTMLElement {
  const { secrets } = opts;

  // ---- the form (hosts)
  const title = h('input', {
    id: 'meeting-title',
    name: 'title',
    type: 'text',
    class: 'input',
    maxlength: 100,
    required: true,
    autocomplete: 'off',
    'aria-describedby': 'meeting-title-hint',
  });
  const titleError = h('p', { id: 'meeting-title-error', class: 'error-message', hidden: true });
  const lobby = h('input', { id: 'meeting-lobby', name: 'lobby', type: 'checkbox', class: 'checkbox', checked: true });
  lobby.checked = true;
  const lobbyRow = h('div', { class: 'check-row' }, lobby, translate(h('label', { for: 'meeting-lobby' }), 'home.lobby.label'));
  const password = h('input', {
    id: 'meeting-password',
    name: 'password',
    type: 'password',
    class: 'input',
    minlength: 4,
    maxlength: 256,
    autocomplete: 'new-password',
    'aria-describedby': 'meeting-password-hint',
  });
  const passwordError = h('p', { id: 'meeting-password-error', class: 'error-message', hidden: true });
  const startLabel = translate(h('span'), 'home.start');
  const start = h('button', { type: 'submit', id: 'start-meeting', class: 'button button--primary button--large' }, icon('plus'), startLabel);
  const form = h(
    'form',
    { id: 'start-form', class: 'start-form', novalidate: true, hidden: true },
    translate(h('label', { for: 'meeting-title', class: 'label' }), 'home.title.label'),
    title,
    translate(h('p', { id: 'meeting-title-hint', class: 'hint' }), 'home.title.hint'),
    titleError,
    lobbyRow,
    translate(h('label', { for: 'meeting-password', class: 'label' }), 'home.password.label'),
    password,
    translate(h('p', { id: 'meeting-password-hint', class: 'hint' }), 'home.password.hint'),
    passwordError,
    start,
  );

  // ---- the explanation (everyone else)
  const explanation = h(
    'div',
    { id: 'host-key-needed', class: 'host-key-needed', hidden: true },
    translate(h('p'), 'home.hostKeyNeeded'),
    translate(h('p', { class: 'fine-print' }), 'home.hostKeyNeeded.operator'),
  );

  const loading = translate(h('p', { id: 'home-loading', class: 'hint', 'aria-live': 'polite' }), 'home.loading');
  const error = h('p', { id: 'home-error', class: 'error-message', role: 'alert', hidden: true });

  const showError = (key: MessageKey | null, params?: Params) => {
    error.hidden = key === null;
    if (key) translate(error, key, params);
  };
  const show = (what: 'form' | 'explanation') => {
    loading.hidden = true;
    form.hidden = what !== 'form';
    explanation.hidden = what !== 'explanation';
  };
  /** With a stored key: the form at once. Without: ask the server whether anyone may create. */
  const decide = async () => {
    if (secrets.hostKey()) return show('form');
    const instance = await fetchInstance();
    // If the server can't be asked, offer the form: creating will then say what is wrong.
    show(!instance.ok || instance.info.openCreation ? 'form' : 'explanation');
  };

  const showTitleError = (key: MessageKey | null) => {
    titleError.hidden = key === null;
    if (key) translate(titleError, key);
    title.setAttribute('aria-invalid', String(key !== null));
    title.setAttribute('aria-describedby', key ? 'meeting-title-error meeting-title-hint' : 'meeting-title-hint');
  };
  title.addEventListener('input', () => {
    if (!titleError.hidden) showTitleError(null);
  });

  const setBusy = (busy: boolean) => {
    start.disabled = busy;
    if (busy) start.setAttribute('aria-busy', 'true');
    else start.removeAttribute('aria-busy');
    translate(startLabel, busy ? 'home.starting' : 'home.start');
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (start.disabled) return;
    const parsed = MeetingTitle.safeParse(title.value);
    if (!parsed.success) {
      showTitleError(title.value.trim() === '' ? 'home.title.empty' : 'home.title.invalid');
      title.focus();
      return;
    }
    const pw = password.value;
    const pwBad = pw !== '' && (pw.length < 4 || pw.length > 256);
    passwordError.hidden = !pwBad;
    password.setAttribute('aria-invalid', String(pwBad));
    if (pwBad) {
      translate(passwordError, 'home.password.tooShort');
      password.focus();
      return;
    }
    showError(null);
    setBusy(true);
    const result = await createMeeting(parsed.data, secrets.hostKey(), fetch, { lobby: lobby.checked, ...(pw ? { password: pw } : {}) });
    if (result.ok) {
      // The host secret rides in the fragment; the pre-join page keeps it and strips it at once.
      // The meeting's encryption secret is made here, in the browser: the server never sees it.
      location.assign(hostMeetingPath(result.meetingId, result.hostSecret, newMeetingKey()));
      return;
    }
    setBusy(false);
    const [key, params] = failureMessage(result);
    showError(key, params);
    if (result.kind === 'unauthorized') {
      secrets.forgetHostKey();
      await decide();
    }
    if (!form.hidden) start.focus();
  });

  if (opts.malformedHostKey) showError('home.error.hostKeyMalformed');
  void decide();

  return h(
    'div',
    { class: 'page' },
    topBar(),
    h(
      'main',
      { class: 'home' },
      h('div', { class: 'home-mark', 'aria-hidden': 'true' }, icon('camera', 'icon icon--large')),
      translate(h('h1', { class: 'home-title' }), 'app.name'),
      translate(h('p', { class: 'lead' }), 'home.lead'),
      loading,
      form,
      error,
      explanation,
      translate(h('p', { class: 'fine-print' }), 'home.privacy', { host: location.host }),
    ),
  );
}

function failureMessage(failure: ApiFailure): [MessageKey, Params?] {
  switch (failure.kind) {
    case 'network':
      return ['home.error.network'];
    case 'unauthorized':
      return ['home.error.hostKeyInvalid'];
    case 'forbidden':
      return ['home.error.forbidden', { status: failure.status }];
    case 'rate-limited':
      return failure.retryAfterSeconds === null
        ? ['home.error.rateLimitedLater']
        : ['home.error.rateLimited', { seconds: failure.retryAfterSeconds }];
    case 'response':
      return ['home.error.response'];
    case 'not-found':
      return ['home.error.status', { status: 404 }];
    case 'status':
      return ['home.error.status', { status: failure.status }];
  }
}

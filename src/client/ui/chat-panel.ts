/**
 * The chat panel (`#chat-panel`): the messages since we joined (`.chat-message`, `data-from` = the
 * sender's participant id or "self"), a field (`#chat-input`; Enter sends, Shift+Enter a new line)
 * and `#chat-send`. Messages are end-to-end encrypted by the session; names and text are shown as
 * text only, links are not made clickable. Counts what arrives while the panel is closed.
 */
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { language, onLanguageChange, translate, translateAttr } from '../i18n/index.js';
import type { CallSession, ChatMessage } from '../session/session.js';
import { joinNames } from './e2ee-status.js';
import { panelHead } from './panel-head.js';
import { normalizeName } from './names.js';
import { onE2eeChange, sessionE2ee } from './security-indicator.js';
import { showToast } from './toast.js';

/** Longest message the protocol carries (ChatPayload.text). */
export const CHAT_MAX_LENGTH = 2000;
/** From here on the field shows how many characters are left. */
const COUNT_FROM = CHAT_MAX_LENGTH - 200;
/** The field grows with its text up to this height, then scrolls. */
const INPUT_MAX_PX = 160;

export interface ChatPanel {
  el: HTMLElement;
  /** Show or hide; opening clears the unread count. */
  setOpen(open: boolean): void;
  /** Where focus goes when the panel opens. */
  focusTarget(): HTMLElement;
  /** Messages from others that arrived while the panel was closed. */
  onUnread(listener: (count: number) => void): void;
  dispose(): void;
}

export function chatPanel(session: CallSession, onClose: () => void): ChatPanel {
  const { head, close } = panelHead({ headingId: 'chat-heading', title: 'chat.title', closeId: 'close-chat', closeLabel: 'chat.close', onClose });

  const note = h(
    'p',
    { id: 'chat-e2ee-note', class: 'chat-note' },
    icon('lock', 'icon icon--small'),
    translate(h('span'), 'chat.e2ee'),
  );
  const notForAll = h('p', { id: 'chat-not-for-all', class: 'chat-note chat-note--warning', hidden: true });

  // The list scrolls by itself; focusable, so that it can be scrolled with the keyboard.
  const list = h('ol', { id: 'chat-messages', class: 'chat-messages', role: 'log', tabindex: 0, 'aria-labelledby': 'chat-heading' });
  const scroller = list;
  const empty = translate(h('p', { id: 'chat-empty', class: 'chat-empty' }), 'chat.empty');

  const input = h('textarea', {
    id: 'chat-input',
    class: 'input chat-input',
    rows: 1,
    maxlength: CHAT_MAX_LENGTH,
    autocomplete: 'off',
    'aria-describedby': 'chat-hint',
  });
  translateAttr(input, 'placeholder', 'chat.placeholder');
  const send = h('button', { type: 'submit', id: 'chat-send', class: 'round-button chat-send' }, icon('send'));
  translateAttr(send, 'aria-label', 'chat.send');
  translateAttr(send, 'title', 'chat.send');
  const hint = translate(h('p', { id: 'chat-hint', class: 'visually-hidden' }), 'chat.hint');
  const count = h('p', { id: 'chat-count', class: 'chat-count', 'aria-live': 'polite', hidden: true });
  const error = h('p', { id: 'chat-error', class: 'chat-error', role: 'alert', hidden: true });
  const form = h(
    'form',
    { id: 'chat-form', class: 'chat-form', novalidate: true },
    translate(h('label', { for: 'chat-input', class: 'visually-hidden' }), 'chat.input'),
    h('div', { class: 'chat-compose' }, input, send),
    hint,
    count,
  );

  const el = h(
    'aside',
    { id: 'chat-panel', class: 'panel chat-panel', hidden: true, 'aria-labelledby': 'chat-heading' },
    head,
    note,
    notForAll,
    empty,
    list,
    error,
    form,
  );

  // ---- messages
  const timeFormat = () => new Intl.DateTimeFormat(language(), { hour: '2-digit', minute: '2-digit' });
  let format = timeFormat();
  const render = (m: ChatMessage): HTMLElement => {
    const self = m.from === null;
    const listed = m.from === null ? null : session.participants.get(m.from);
    // The name travels inside the encrypted message: flag it when it differs from the list's.
    const renamed = listed && normalizeName(listed.name) !== normalizeName(m.name);
    const when = new Date(m.sentAt);
    const time = h('time', { class: 'chat-time' }, Number.isFinite(when.getTime()) ? format.format(when) : '');
    if (Number.isFinite(when.getTime())) time.setAttribute('datetime', when.toISOString());
    return h(
      'li',
      { class: `chat-message${self ? ' chat-message--self' : ''}`, 'data-from': m.from ?? 'self' },
      h(
        'p',
        { class: 'chat-meta' },
        h('span', { class: 'chat-name' }, m.name),
        self ? translate(h('span', { class: 'chat-self' }), 'chat.you') : null,
        renamed ? translate(h('span', { class: 'name-flag' }), 'chat.listedAs', { name: listed.name }) : null,
        time,
      ),
      h('p', { class: 'chat-text' }, m.text),
    );
  };

  const nearBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 48;
  const scrollToEnd = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  let open = false;
  let sending = false;
  let unread = 0;
  const unreadListeners = new Set<(count: number) => void>();
  const setUnread = (n: number) => {
    unread = n;
    for (const l of unreadListeners) l(n);
  };

  const onMessage = (m: ChatMessage) => {
    const stick = nearBottom() || m.from === null;
    list.appendChild(render(m));
    empty.hidden = true;
    if (stick) scrollToEnd();
    if (!open && m.from !== null) {
      setUnread(unread + 1);
      showToast('chat.newMessage', { name: m.name });
    }
  };
  const renderAll = () => {
    format = timeFormat();
    list.replaceChildren(...session.chat.map(render));
    empty.hidden = session.chat.length > 0;
  };

  // ---- who can't read along, and whether we can write at all
  let notForAllShown = '';
  const updateAccess = (force = false) => {
    const summary = sessionE2ee(session);
    const names = [...summary.unencrypted, ...summary.failed].map((p) => p.name);
    const signature = JSON.stringify(names);
    if (signature !== notForAllShown || force) {
      notForAllShown = signature;
      notForAll.hidden = names.length === 0;
      if (names.length) translate(notForAll, 'chat.notForAll', { names: joinNames(names, language()) });
    }
    const cannot = summary.selfUnencrypted;
    input.disabled = cannot;
    send.disabled = cannot || sending;
    note.hidden = cannot;
    if (cannot) showError('chat.error.unsupported');
    else if (error.dataset.reason === 'chat.error.unsupported') showError(null);
  };

  const showError = (key: 'chat.error.noKey' | 'chat.error.unsupported' | 'chat.error.failed' | null) => {
    error.hidden = key === null;
    if (key) {
      if (error.dataset.reason !== key) translate(error, key);
      error.dataset.reason = key;
    } else delete error.dataset.reason;
  };

  // ---- writing
  const grow = () => {
    input.style.height = 'auto';
    input.style.height = `${Math.min(input.scrollHeight + 2, INPUT_MAX_PX)}px`;
  };
  const updateCount = () => {
    const n = input.value.length;
    count.hidden = n < COUNT_FROM;
    if (n >= COUNT_FROM) translate(count, 'chat.count', { count: n, max: CHAT_MAX_LENGTH });
  };
  input.addEventListener('input', () => {
    grow();
    updateCount();
    if (error.dataset.reason === 'chat.error.noKey' || error.dataset.reason === 'chat.error.failed') showError(null);
  });

  const submit = async () => {
    if (sending || input.disabled) return;
    const text = input.value.trim();
    if (!text) return;
    // Within the protocol's limit whatever the field let through.
    const payloadText = text.slice(0, CHAT_MAX_LENGTH);
    sending = true;
    send.disabled = true;
    let ok = false;
    try {
      ok = await session.sendChat(payloadText);
      if (!ok) showError(session.encryption ? 'chat.error.noKey' : 'chat.error.unsupported');
    } catch (err) {
      console.warn('confab: chat not sent', err);
      showError('chat.error.failed');
    } finally {
      sending = false;
      send.disabled = input.disabled;
    }
    if (ok) {
      input.value = '';
      grow();
      updateCount();
      showError(null);
    }
    if (open) input.focus();
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    void submit();
  });
  input.addEventListener('keydown', (ev) => {
    // Enter sends; Shift+Enter (and Enter while an input method is composing) adds a line.
    if (ev.key !== 'Enter' || ev.shiftKey || ev.isComposing || ev.keyCode === 229) return;
    ev.preventDefault();
    void submit();
  });

  const offs = [
    session.events.on('chat', onMessage),
    onE2eeChange(session, () => updateAccess()),
    onLanguageChange(() => {
      renderAll();
      updateAccess(true);
    }),
  ];
  renderAll();
  updateAccess();

  return {
    el,
    setOpen(next) {
      open = next;
      el.hidden = !next;
      if (next) {
        setUnread(0);
        grow();
        scrollToEnd();
      }
    },
    // Not the field on touch screens: its keyboard would cover the messages before anyone asked for it.
    focusTarget: () => (input.disabled || !matchMedia('(pointer: fine)').matches ? close : input),
    onUnread(listener) {
      unreadListeners.add(listener);
      listener(unread);
    },
    dispose: () => offs.forEach((off) => off()),
  };
}

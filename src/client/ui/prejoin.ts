/**
 * `/m/<id>` before joining: the meeting's title, name, camera preview, mute choices, where you are
 * joining, whether it is end-to-end encrypted, invite link(s). Joining is always possible, also
 * without camera or microphone. Hosts (who came with the host link) are told so and can copy both
 * the guest link and their host link.
 */
import { DisplayName } from '../../protocol/messages.js';
import { fetchInstance } from '../api.js';
import { h } from '../dom.js';
import { icon } from '../icons.js';
import { translate, translateAttr, type MessageKey } from '../i18n/index.js';
import type { LocalMedia, MediaProblem } from '../media/local-media.js';
import { load } from '../storage.js';
import { deviceSettings } from './device-settings.js';
import { copyHostLink, copyInviteLink } from './invite.js';
import { mediaToggle } from './media-toggles.js';
import { initials } from './tile.js';
import { topBar } from './top-bar.js';

export interface PrejoinOptions {
  meetingId: string;
  /** From `GET /api/meetings/<id>`; null when it could not be fetched. */
  title: string | null;
  /** Set when joining as host. */
  hostSecret: string | null;
  /** The meeting's encryption secret (for the links to copy). */
  meetingKey: string;
  /** False when this browser can't end-to-end encrypt (and the host allows such browsers). */
  canEncrypt: boolean;
  media: LocalMedia;
  /** Set when the server asked for the meeting password: its words (e.g. "wrong password"). */
  passwordPrompt?: { serverMessage: string } | null;
  onJoin(name: string, password?: string): void;
}

const PROBLEM_KEYS: Record<MediaProblem, MessageKey> = {
  denied: 'media.denied',
  'not-found': 'media.notFound',
  'in-use': 'media.inUse',
  insecure: 'media.insecure',
  unknown: 'media.unknown',
  'no-camera': 'media.noCamera',
  'no-microphone': 'media.noMicrophone',
  'device-failed': 'media.deviceFailed',
};

export function prejoinView(opts: PrejoinOptions): { el: HTMLElement; dispose(): void } {
  // Who runs this server, as its operator configured it: one more way to tell a real meeting from a fake.
  const organization = h('p', { id: 'organization', class: 'origin', hidden: true });
  void fetchInstance().then((r) => {
    if (!r.ok || !r.info.organization) return;
    translate(organization, 'prejoin.organization', { organization: r.info.organization });
    organization.hidden = false;
  });
  const { media } = opts;

  // ---- preview
  const video = h('video', { id: 'preview', class: 'preview-video mirrored', autoplay: true, playsinline: true, muted: true });
  video.muted = true;
  video.playsInline = true;
  const placeholder = h('div', { class: 'preview-placeholder' });
  const placeholderAvatar = h('div', { class: 'avatar', 'aria-hidden': 'true' });
  const placeholderText = h('p', { class: 'preview-placeholder-text' });
  placeholder.append(placeholderAvatar, placeholderText);
  const audioToggle = mediaToggle('audio', media, (m) => media.setMuted('audio', m));
  const videoToggle = mediaToggle('video', media, (m) => media.setMuted('video', m));
  const preview = h(
    'div',
    { class: 'preview', role: 'group' },
    video,
    placeholder,
    h('div', { class: 'preview-controls' }, audioToggle.el, videoToggle.el),
  );
  translateAttr(preview, 'aria-label', 'prejoin.preview');
  const problem = h('p', { id: 'media-problem', class: 'notice', role: 'alert', hidden: true });
  const devices = deviceSettings(media);

  // ---- form
  const name = h('input', {
    id: 'name',
    name: 'name',
    type: 'text',
    class: 'input',
    autocomplete: 'name',
    maxlength: 64,
    required: true,
    spellcheck: 'false',
    'aria-describedby': 'name-hint',
  });
  name.value = load('name') ?? '';
  const nameError = h('p', { id: 'name-error', class: 'error-message', hidden: true });
  const join = h('button', { type: 'submit', id: 'join', class: 'button button--primary button--large' });
  translate(join, 'prejoin.join');
  const passwordPart = opts.passwordPrompt ? passwordField(opts.passwordPrompt.serverMessage) : null;
  const form = h(
    'form',
    { class: 'join-form', novalidate: true },
    translate(h('label', { for: 'name', class: 'label' }), 'prejoin.name.label'),
    name,
    translate(h('p', { id: 'name-hint', class: 'hint' }), 'prejoin.name.hint'),
    nameError,
    passwordPart?.el,
    join,
  );
  const share = shareSection(opts.meetingId, opts.hostSecret, opts.meetingKey);

  const showNameError = (key: MessageKey | null) => {
    nameError.hidden = key === null;
    if (key) translate(nameError, key);
    name.setAttribute('aria-invalid', String(key !== null));
    name.setAttribute('aria-describedby', key ? 'name-error name-hint' : 'name-hint');
  };
  name.addEventListener('input', () => {
    if (!nameError.hidden) showNameError(null);
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const parsed = DisplayName.safeParse(name.value);
    if (!parsed.success) {
      const trimmed = name.value.trim();
      showNameError(trimmed.length === 0 ? 'prejoin.name.empty' : trimmed.length > 64 ? 'prejoin.name.tooLong' : 'prejoin.name.invalid');
      name.focus();
      return;
    }
    join.disabled = true;
    const pw = passwordPart?.input.value;
    opts.onJoin(parsed.data, pw ? pw : undefined);
  });

  // ---- state
  const update = () => {
    audioToggle.update();
    videoToggle.update();
    devices.update();
    const track = media.track('video');
    const current = (video.srcObject as MediaStream | null)?.getVideoTracks()[0] ?? null;
    if (track !== current) {
      video.srcObject = track ? new MediaStream([track]) : null;
      if (track) video.play().catch(() => undefined);
    }
    const showVideo = !!track && !media.isMutedByChoice('video');
    preview.classList.toggle('preview--no-video', !showVideo);
    translate(placeholderText, media.acquiring ? 'prejoin.preview.starting' : 'prejoin.preview.off');
    showInitials();
    problem.hidden = media.problem === null;
    if (media.problem) translate(problem, PROBLEM_KEYS[media.problem]);
  };
  const showInitials = () => {
    placeholderAvatar.textContent = initials(name.value);
    placeholderAvatar.hidden = media.acquiring || name.value.trim() === '';
  };
  name.addEventListener('input', showInitials);
  const unsubscribe = media.onChange(update);
  update();
  void media.acquire();

  const main = h(
    'main',
    { class: 'prejoin' },
    h('section', { class: 'prejoin-media' }, preview, problem, devices.el),
    h(
      'section',
      { class: 'prejoin-details' },
      ...heading(opts.title),
      opts.hostSecret ? translate(h('p', { id: 'host-notice', class: 'host-notice' }), 'prejoin.hostNotice') : null,
      translate(h('p', { id: 'joining-origin', class: 'origin' }), 'prejoin.origin', { origin: location.origin }),
      organization,
      translate(h('p', { id: 'meeting-id', class: 'meeting-id' }), 'prejoin.meetingId', { id: opts.meetingId }),
      e2eeLine(opts.canEncrypt),
      form,
      share,
    ),
  );
  const el = h('div', { class: 'page' }, topBar(), main);
  return {
    el,
    dispose: () => {
      unsubscribe();
      devices.dispose();
      video.srcObject = null;
    },
  };
}

/**
 * Whether this meeting will be end-to-end encrypted for us: the promise, or (a browser that can't,
 * let in because the host allows it) what that means for everyone.
 */
function e2eeLine(canEncrypt: boolean): HTMLElement {
  if (canEncrypt) {
    return h('p', { id: 'e2ee-prejoin', class: 'e2ee-prejoin' }, icon('lock', 'icon icon--small'), translate(h('span'), 'prejoin.e2ee'));
  }
  return h(
    'p',
    { id: 'e2ee-prejoin-warning', class: 'notice e2ee-prejoin-warning', role: 'note' },
    icon('unlock', 'icon icon--small'),
    translate(h('span'), 'prejoin.e2eeWarning'),
  );
}

/** The meeting password, asked for after the server refused a join without (or with a wrong) one. */
function passwordField(serverMessage: string): { el: HTMLElement; input: HTMLInputElement } {
  const input = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    class: 'input',
    autocomplete: 'current-password',
    maxlength: 256,
    required: true,
    'aria-describedby': 'password-message',
  });
  const message = h('p', { id: 'password-message', class: 'error-message', role: 'alert' });
  const wrong = /wrong password/i.test(serverMessage);
  const retry = /try again in (\d+)\s*s/i.exec(serverMessage);
  translate(message, wrong ? 'prejoin.password.wrong' : 'prejoin.password.needed');
  if (retry) message.append(' ', translate(h('span'), 'prejoin.password.retry', { seconds: Number(retry[1]) }));
  const el = h('div', { class: 'password-prompt' }, translate(h('label', { for: 'password', class: 'label' }), 'prejoin.password.label'), input, message);
  return { el, input };
}

/** The meeting's title as the heading (typed by its host: text only), or the generic one. */
function heading(title: string | null): HTMLElement[] {
  if (title === null || title.trim() === '') {
    return [translate(h('h1', { id: 'meeting-title-display', class: 'prejoin-title' }), 'prejoin.heading')];
  }
  return [
    translate(h('p', { class: 'prejoin-eyebrow' }), 'prejoin.heading'),
    h('h1', { id: 'meeting-title-display', class: 'prejoin-title' }, title),
  ];
}

/**
 * Who to send which link: guests get one button; hosts a guest link and, with a warning, their host
 * link. Each button sits with the sentence that tells what its link is for.
 */
function shareSection(meetingId: string, hostSecret: string | null, meetingKey: string): HTMLElement {
  const copy = h(
    'button',
    { type: 'button', id: 'copy-link', class: 'button button--secondary', 'aria-describedby': 'share-hint' },
    icon('link'),
    translate(h('span'), hostSecret ? 'prejoin.copyGuestLink' : 'controls.copyLink'),
  );
  copy.addEventListener('click', () => void copyInviteLink(meetingId, meetingKey, hostSecret ? 'controls.guestLinkCopied' : 'controls.linkCopied'));
  const guest = h('div', { class: 'share-item' }, copy, translate(h('p', { id: 'share-hint', class: 'hint' }), 'prejoin.shareHint'));
  if (!hostSecret) return h('div', { class: 'share' }, guest);

  const copyHost = h(
    'button',
    { type: 'button', id: 'copy-host-link', class: 'button button--secondary', 'aria-describedby': 'host-link-warning' },
    icon('key'),
    translate(h('span'), 'prejoin.copyHostLink'),
  );
  copyHost.addEventListener('click', () => void copyHostLink(meetingId, hostSecret, meetingKey));
  const host = h(
    'div',
    { class: 'share-item' },
    copyHost,
    translate(h('p', { id: 'host-link-warning', class: 'hint host-link-warning' }), 'prejoin.hostLinkWarning'),
  );
  return h('div', { class: 'share' }, guest, host);
}

/**
 * Focus the name field when it is empty (after mounting); not on touch screens, where it would pop
 * up the keyboard over the preview.
 */
export function focusPrejoin(root: ParentNode): void {
  const password = root.querySelector<HTMLInputElement>('#password');
  if (password) return password.focus();
  const name = root.querySelector<HTMLInputElement>('#name');
  if (name && !name.value && matchMedia('(pointer: fine)').matches) name.focus();
}

/**
 * Secrets in links: the instance host key (`/#hostkey=…`), a meeting's end-to-end encryption secret
 * (`/m/<id>#key=…`, in every meeting link; the server never sees it) and its host secret
 * (`#host=…`) or a personal invitation (`#invite=…`). They only ever travel in the fragment, which browsers never send to the server
 * or in Referer headers. As soon as the page has read them they leave the address bar, so that
 * copying the address (or a screenshot of it) doesn't pass them on by accident; the host key is kept
 * in localStorage, the others in sessionStorage (this tab, this meeting).
 *
 * Parsing and stripping are pure (tested in link-secrets.test.ts); the browser is plugged in below.
 */
import { FRAGMENT_MEETING_KEY } from '../protocol/e2ee.js';
import { randomBytes, toBase64Url } from './e2ee/encoding.js';
import { FRAGMENT_HOST_KEY, FRAGMENT_HOST_SECRET, FRAGMENT_INVITE, LinkSecret } from '../protocol/messages.js';
import { meetingPath } from './routes.js';

/** One secret from the fragment: not there, there and well-formed, or there but mangled. */
export type FragmentSecret = { kind: 'none' } | { kind: 'valid'; secret: string } | { kind: 'invalid' };

export interface LinkSecrets {
  hostKey: FragmentSecret;
  hostSecret: FragmentSecret;
  /** A personal invitation's token (`/m/<id>#invite=…`). */
  invite: FragmentSecret;
  /** The meeting's end-to-end encryption secret (`/m/<id>#key=…`). */
  meetingKey: FragmentSecret;
}

const NONE: FragmentSecret = { kind: 'none' };

/** Reads `#hostkey=…`, `#host=…`, `#invite=…` and `#key=…` (other fragment parameters are ignored). */
export function parseFragment(hash: string): LinkSecrets {
  const params = new URLSearchParams(hash.startsWith('#') ? hash.slice(1) : hash);
  return {
    hostKey: readSecret(params, FRAGMENT_HOST_KEY),
    hostSecret: readSecret(params, FRAGMENT_HOST_SECRET),
    invite: readSecret(params, FRAGMENT_INVITE),
    meetingKey: readSecret(params, FRAGMENT_MEETING_KEY),
  };
}

function readSecret(params: URLSearchParams, key: string): FragmentSecret {
  if (!params.has(key)) return NONE;
  const parsed = LinkSecret.safeParse(params.get(key));
  return parsed.success ? { kind: 'valid', secret: parsed.data } : { kind: 'invalid' };
}

export function hasLinkSecrets(hash: string): boolean {
  return Object.values(parseFragment(hash)).some((s) => s.kind !== 'none');
}

/** The address bar, as far as this module needs it (a fake in tests). */
export interface AddressBar {
  readonly hash: string;
  readonly pathname: string;
  /** Replace the current history entry's URL without loading anything. */
  replace(url: string): void;
}

export function browserAddressBar(): AddressBar {
  return {
    get hash() {
      return location.hash;
    },
    get pathname() {
      return location.pathname;
    },
    replace: (url) => history.replaceState(null, '', url),
  };
}

/**
 * Reads the secrets from the fragment and, when there was one (valid or not), removes the whole
 * fragment (and query) from the address bar. A fragment without secrets is left alone.
 */
export function takeLinkSecrets(bar: AddressBar): LinkSecrets {
  const secrets = parseFragment(bar.hash);
  if (hasLinkSecrets(bar.hash)) bar.replace(bar.pathname);
  return secrets;
}

/**
 * The secret to use: a fresh one from the link wins over the one this tab remembered; a mangled one
 * in the link makes the link invalid (joining as a guest instead would surprise a host, and a
 * mangled meeting key can't decrypt anything).
 */
export function resolveSecret(fromLink: FragmentSecret, remembered: string | null): { ok: true; secret: string | null } | { ok: false } {
  if (fromLink.kind === 'valid') return { ok: true, secret: fromLink.secret };
  if (fromLink.kind === 'invalid') return { ok: false };
  return { ok: true, secret: remembered !== null && LinkSecret.safeParse(remembered).success ? remembered : null };
}

/** A new meeting secret for end-to-end encryption: 256 random bits, made in the browser. */
export function newMeetingKey(): string {
  return toBase64Url(randomBytes(32));
}

/** Where a host goes after creating a meeting (the fragment is read and stripped there). */
export function hostMeetingPath(meetingId: string, hostSecret: string, meetingKey: string): string {
  return `${meetingPath(meetingId)}#${FRAGMENT_MEETING_KEY}=${meetingKey}&${FRAGMENT_HOST_SECRET}=${hostSecret}`;
}

/** The link for guests: only the meeting secret, which the server never sees. */
export function guestLink(origin: string, meetingId: string, meetingKey: string): string {
  return `${origin}${meetingPath(meetingId)}#${FRAGMENT_MEETING_KEY}=${meetingKey}`;
}

export function hostLink(origin: string, meetingId: string, hostSecret: string, meetingKey: string): string {
  return origin + hostMeetingPath(meetingId, hostSecret, meetingKey);
}

/** A personal invitation's link; the token never reaches the server except in the join message. */
export function inviteLink(origin: string, meetingId: string, token: string, meetingKey: string): string {
  return `${guestLink(origin, meetingId, meetingKey)}&${FRAGMENT_INVITE}=${token}`;
}

// ---------------------------------------------------------------- remembering

/** The part of Storage used here (a Map-backed fake in tests). */
export type SecretStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const HOST_KEY = 'confab.hostKey';
const hostSecretItem = (meetingId: string) => `confab.hostSecret.${meetingId}`;
const inviteItem = (meetingId: string) => `confab.invite.${meetingId}`;
const meetingKeyItem = (meetingId: string) => `confab.meetingKey.${meetingId}`;

/**
 * Where secrets are remembered. Storage may be disabled or full (private modes, strict settings):
 * then nothing is remembered and the app works anyway.
 */
export class SecretStore {
  constructor(
    private readonly local: () => SecretStorage = () => localStorage,
    private readonly session: () => SecretStorage = () => sessionStorage,
  ) {}

  hostKey(): string | null {
    const value = read(this.local, HOST_KEY);
    return value !== null && LinkSecret.safeParse(value).success ? value : null;
  }

  setHostKey(key: string): void {
    write(this.local, HOST_KEY, key);
  }

  forgetHostKey(): void {
    write(this.local, HOST_KEY, null);
  }

  hostSecret(meetingId: string): string | null {
    return read(this.session, hostSecretItem(meetingId));
  }

  setHostSecret(meetingId: string, secret: string): void {
    write(this.session, hostSecretItem(meetingId), secret);
  }

  forgetHostSecret(meetingId: string): void {
    write(this.session, hostSecretItem(meetingId), null);
  }

  /** The invitation this tab came with, so a reload still joins as the invitee. */
  inviteToken(meetingId: string): string | null {
    const value = read(this.session, inviteItem(meetingId));
    return value !== null && LinkSecret.safeParse(value).success ? value : null;
  }

  setInviteToken(meetingId: string, token: string): void {
    write(this.session, inviteItem(meetingId), token);
  }

  /** The meeting secret this tab came with, so a reload still decrypts. */
  meetingKey(meetingId: string): string | null {
    return read(this.session, meetingKeyItem(meetingId));
  }

  setMeetingKey(meetingId: string, key: string): void {
    write(this.session, meetingKeyItem(meetingId), key);
  }
}

function read(storage: () => SecretStorage, item: string): string | null {
  try {
    return storage().getItem(item);
  } catch {
    return null;
  }
}

function write(storage: () => SecretStorage, item: string, value: string | null): void {
  try {
    if (value === null) storage().removeItem(item);
    else storage().setItem(item, value);
  } catch {
    /* not remembered; fine */
  }
}

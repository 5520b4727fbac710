/**
 * Secrets from link fragments: parsed strictly, removed from the address bar as soon as they are read
 * (also when mangled), never put anywhere but the fragment of the links we build.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import './zod-setup.js';
import {
  guestLink,
  hasLinkSecrets,
  hostLink,
  hostMeetingPath,
  inviteLink,
  parseFragment,
  resolveSecret,
  SecretStore,
  takeLinkSecrets,
  type AddressBar,
  type SecretStorage,
} from './link-secrets.js';

const KEY = 'k3yK3yk3yK3yk3yK3yk3yK3yk3yK3yk3yK3yk3yK3y'; // 43 chars, like 32 random bytes
const SECRET = 'S3cr3t-_S3cr3t-_S3cr3t-_S3cr3t-_S3cr3t-_abc';
const MEETING = 'AbCdEfGhIjKlMnOpQrStUv12';

function fakeBar(pathname: string, hash: string): AddressBar & { replaced: string[] } {
  const bar = {
    pathname,
    hash,
    replaced: [] as string[],
    replace(url: string) {
      bar.replaced.push(url);
      bar.hash = '';
    },
  };
  return bar;
}

test('the host key and the host secret are read from the fragment', () => {
  assert.deepEqual(parseFragment(`#hostkey=${KEY}`), { hostKey: { kind: 'valid', secret: KEY }, hostSecret: { kind: 'none' }, invite: { kind: 'none' }, meetingKey: { kind: 'none' } });
  assert.deepEqual(parseFragment(`#host=${SECRET}`), { hostKey: { kind: 'none' }, hostSecret: { kind: 'valid', secret: SECRET }, invite: { kind: 'none' }, meetingKey: { kind: 'none' } });
  assert.deepEqual(parseFragment(`host=${SECRET}&other=1`).hostSecret, { kind: 'valid', secret: SECRET });
  assert.deepEqual(parseFragment(''), { hostKey: { kind: 'none' }, hostSecret: { kind: 'none' }, invite: { kind: 'none' }, meetingKey: { kind: 'none' } });
  assert.deepEqual(parseFragment('#'), { hostKey: { kind: 'none' }, hostSecret: { kind: 'none' }, invite: { kind: 'none' }, meetingKey: { kind: 'none' } });
  assert.deepEqual(parseFragment('#section-2'), { hostKey: { kind: 'none' }, hostSecret: { kind: 'none' }, invite: { kind: 'none' }, meetingKey: { kind: 'none' } });
  assert.ok(hasLinkSecrets(`#host=${SECRET}`));
  assert.ok(hasLinkSecrets('#hostkey=x'));
  assert.ok(!hasLinkSecrets('#top'));
  // "hostkey" is not "host", and vice versa.
  assert.equal(parseFragment(`#hostkey=${KEY}`).hostSecret.kind, 'none');
});

test('mangled secrets are recognised as invalid, not silently ignored', () => {
  for (const hash of ['#hostkey=', '#hostkey=short', `#hostkey=${KEY.slice(0, 21)}`, `#hostkey=${KEY}%20`, `#hostkey=${KEY}!`, `#hostkey=${'a'.repeat(129)}`]) {
    assert.deepEqual(parseFragment(hash).hostKey, { kind: 'invalid' }, hash);
  }
  assert.deepEqual(parseFragment('#host=not+valid').hostSecret, { kind: 'invalid' });
});

test('a fragment with a secret leaves the address bar, path kept, query and fragment gone', () => {
  const home = fakeBar('/', `#hostkey=${KEY}`);
  assert.equal(takeLinkSecrets(home).hostKey.kind, 'valid');
  assert.deepEqual(home.replaced, ['/']);

  const meeting = fakeBar(`/m/${MEETING}`, `#host=${SECRET}`);
  assert.deepEqual(takeLinkSecrets(meeting).hostSecret, { kind: 'valid', secret: SECRET });
  assert.deepEqual(meeting.replaced, [`/m/${MEETING}`]);

  // Also when the secret is mangled: it must not be shared either.
  const broken = fakeBar(`/m/${MEETING}`, '#host=oops');
  assert.equal(takeLinkSecrets(broken).hostSecret.kind, 'invalid');
  assert.deepEqual(broken.replaced, [`/m/${MEETING}`]);

  // Nothing to hide: the address bar is left alone.
  for (const hash of ['', '#', '#top']) {
    const plain = fakeBar('/', hash);
    takeLinkSecrets(plain);
    assert.deepEqual(plain.replaced, [], hash);
  }
});

test('a secret from the link wins over a remembered one; a mangled one invalidates the link', () => {
  assert.deepEqual(resolveSecret({ kind: 'valid', secret: SECRET }, KEY), { ok: true, secret: SECRET });
  assert.deepEqual(resolveSecret({ kind: 'none' }, SECRET), { ok: true, secret: SECRET });
  assert.deepEqual(resolveSecret({ kind: 'none' }, null), { ok: true, secret: null });
  assert.deepEqual(resolveSecret({ kind: 'none' }, 'tampered'), { ok: true, secret: null });
  assert.deepEqual(resolveSecret({ kind: 'invalid' }, SECRET), { ok: false });
});

test('links: secrets only ever in the fragment; the guest link has only the meeting key', () => {
  assert.equal(hostMeetingPath(MEETING, SECRET, KEY), `/m/${MEETING}#key=${KEY}&host=${SECRET}`);
  assert.equal(hostLink('https://confab.example', MEETING, SECRET, KEY), `https://confab.example/m/${MEETING}#key=${KEY}&host=${SECRET}`);
  assert.equal(guestLink('https://confab.example', MEETING, KEY), `https://confab.example/m/${MEETING}#key=${KEY}`);
  assert.deepEqual(parseFragment(new URL(guestLink('https://confab.example', MEETING, KEY)).hash).meetingKey, { kind: 'valid', secret: KEY });
  const url = new URL(hostLink('https://confab.example', MEETING, SECRET, KEY));
  assert.equal(url.search, '');
  assert.ok(!url.pathname.includes(SECRET) && !url.pathname.includes(KEY));
  assert.deepEqual(parseFragment(url.hash).hostSecret, { kind: 'valid', secret: SECRET });
});

function mapStorage(): SecretStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

test('the host key is kept in localStorage, host secrets per meeting in sessionStorage', () => {
  const local = mapStorage();
  const session = mapStorage();
  const store = new SecretStore(() => local, () => session);
  assert.equal(store.hostKey(), null);
  store.setHostKey(KEY);
  assert.deepEqual([...local.items], [['confab.hostKey', KEY]]);
  assert.equal(store.hostKey(), KEY);
  store.forgetHostKey();
  assert.equal(store.hostKey(), null);
  local.items.set('confab.hostKey', 'garbage');
  assert.equal(store.hostKey(), null);

  store.setHostSecret(MEETING, SECRET);
  assert.deepEqual([...session.items], [[`confab.hostSecret.${MEETING}`, SECRET]]);
  assert.equal(store.hostSecret(MEETING), SECRET);
  assert.equal(store.hostSecret('OtherMeetingIdOtherMeeting'), null);
  store.forgetHostSecret(MEETING);
  assert.equal(store.hostSecret(MEETING), null);
});

test('without usable storage nothing is remembered and nothing throws', () => {
  const broken = () => {
    throw new Error('SecurityError');
  };
  const store = new SecretStore(broken, broken);
  store.setHostKey(KEY);
  store.setHostSecret(MEETING, SECRET);
  assert.equal(store.hostKey(), null);
  assert.equal(store.hostSecret(MEETING), null);
  store.forgetHostKey();
  store.forgetHostSecret(MEETING);
});

test('an invitation token is read from #invite= and makes the fragment secret-bearing', () => {
  assert.deepEqual(parseFragment(`#invite=${SECRET}`).invite, { kind: 'valid', secret: SECRET });
  assert.deepEqual(parseFragment('#invite=short').invite, { kind: 'invalid' });
  assert.equal(hasLinkSecrets(`#invite=${SECRET}`), true);
  assert.equal(inviteLink('https://meet.example', 'AbCdEfGhIjKlMnOpQrStUv', SECRET, KEY), `https://meet.example/m/AbCdEfGhIjKlMnOpQrStUv#key=${KEY}&invite=${SECRET}`);
});

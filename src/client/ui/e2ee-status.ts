/**
 * What the call screen says about end-to-end encryption, worked out from the session's state: the
 * indicator's state, each other participant's status and safety code, and which warnings to show.
 * Plain logic without DOM, so it can be tested on its own.
 */
import type { ParticipantInfo } from '../../protocol/messages.js';
import type { PeerStatus } from '../e2ee/key-exchange.js';
import type { MessageKey } from '../i18n/en.js';

/** What the UI needs of MeetingEncryption. */
export interface EncryptionView {
  readonly encrypting: boolean;
  readonly safetyCode: string;
  peer(id: string): { status: PeerStatus; safetyCode: string | null } | undefined;
}

export type Participant = Pick<ParticipantInfo, 'id' | 'name' | 'e2ee'>;

/**
 * One other participant as our browser sees them: `secure` (their key authenticated with the
 * meeting secret), `pending` (waiting for it), `failed` (it did not authenticate), `unencrypted`
 * (their browser can't end-to-end encrypt), `unchecked` (ours can't, so we check nothing).
 */
export type PeerSecurity = 'secure' | 'pending' | 'failed' | 'unencrypted' | 'unchecked';

export function peerSecurity(encryption: EncryptionView | null, p: Participant): { status: PeerSecurity; code: string | null } {
  if (!p.e2ee) return { status: 'unencrypted', code: null };
  if (!encryption) return { status: 'unchecked', code: null };
  const view = encryption.peer(p.id);
  if (!view) return { status: 'pending', code: null };
  return { status: view.status, code: view.status === 'secure' ? view.safetyCode : null };
}

/** The indicator: still setting up, media end-to-end encrypted, or not. */
export type E2eeState = 'starting' | 'encrypted' | 'unencrypted';

export interface E2eeSummary {
  state: E2eeState;
  /** This browser can't end-to-end encrypt (known once welcomed). */
  selfUnencrypted: boolean;
  /** Others whose browser can't end-to-end encrypt. */
  unencrypted: Participant[];
  /** Others whose key did not authenticate with the meeting secret. */
  failed: Participant[];
  /** Others who encrypt (whatever their key's status). */
  encryptingPeers: number;
}

export interface E2eeInput {
  encryption: EncryptionView | null;
  /** The server welcomed us (before that, `encryption` may still be being set up). */
  welcomed: boolean;
  participants: Iterable<Participant>;
}

export function summarizeE2ee({ encryption, welcomed, participants }: E2eeInput): E2eeSummary {
  const unencrypted: Participant[] = [];
  const failed: Participant[] = [];
  let encryptingPeers = 0;
  for (const p of participants) {
    const { status } = peerSecurity(encryption, p);
    if (status === 'unencrypted') unencrypted.push(p);
    else encryptingPeers += 1;
    if (status === 'failed') failed.push(p);
  }
  const selfUnencrypted = !encryption && welcomed;
  const state: E2eeState = encryption ? (encryption.encrypting ? 'encrypted' : 'unencrypted') : welcomed ? 'unencrypted' : 'starting';
  return { state, selfUnencrypted, unencrypted, failed, encryptingPeers };
}

/** One line of the warning banner: a message, with the names it is about. */
export interface WarningLine {
  id: string;
  key: MessageKey;
  names?: string[];
}

/**
 * The warnings everyone sees: media not end-to-end encrypted (and because of whom), people who
 * can't follow since the host stopped allowing their browser, keys that did not authenticate.
 */
export function warningLines(summary: E2eeSummary, allowUnencrypted: boolean): WarningLine[] {
  const lines: WarningLine[] = [];
  const names = (ps: Participant[]) => ps.map((p) => p.name);
  if (summary.selfUnencrypted) {
    lines.push({ id: 'self', key: allowUnencrypted ? 'e2ee.warning.self' : 'e2ee.warning.selfExcluded' });
  }
  if (summary.unencrypted.length > 0) {
    if (allowUnencrypted) {
      const key = summary.unencrypted.length === 1 ? 'e2ee.warning.others.one' : 'e2ee.warning.others.other';
      lines.push({ id: 'others', key, names: names(summary.unencrypted) });
    } else {
      const key = summary.unencrypted.length === 1 ? 'e2ee.warning.excluded.one' : 'e2ee.warning.excluded.other';
      lines.push({ id: 'excluded', key, names: names(summary.unencrypted) });
    }
  }
  const failed = summary.failed;
  if (failed.length > 0) {
    if (failed.length === summary.encryptingPeers && failed.length >= 2) lines.push({ id: 'failed', key: 'e2ee.failed.all' });
    else if (failed.length === summary.encryptingPeers) lines.push({ id: 'failed', key: 'e2ee.failed.onlyPeer', names: names(failed) });
    else if (failed.length === 1) lines.push({ id: 'failed', key: 'e2ee.failed.one', names: names(failed) });
    else lines.push({ id: 'failed', key: 'e2ee.failed.many', names: names(failed) });
  }
  return lines;
}

/** "Ana", "Ana and Ben", "Ana, Ben and Cem" in the given language. */
export function joinNames(names: readonly string[], lang: string): string {
  try {
    return new Intl.ListFormat(lang, { style: 'long', type: 'conjunction' }).format(names);
  } catch {
    return names.join(', ');
  }
}

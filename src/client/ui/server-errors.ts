/** The server's error codes, in words the user can act on. Exhaustive: a new code is a type error. */
import type { ErrorCode } from '../../protocol/messages.js';
import type { MessageKey } from '../i18n/index.js';

const KEYS: Record<ErrorCode, MessageKey> = {
  // Also a wrong or expired host link: the server gives one answer for all of them.
  'meeting-not-found': 'error.meetingNotFound',
  'meeting-full': 'error.meetingFull',
  'meeting-locked': 'error.meetingLocked',
  'password-required': 'error.passwordRequired',
  'e2ee-required': 'error.e2eeRequired',
  'media-failed': 'error.mediaFailed',
  // Our place in the meeting is gone (too long away): the end screen offers a new join.
  'resume-failed': 'state.disconnected.body',
  // Final (recoverable: false) only when joining was refused after too many failed attempts.
  'rate-limited': 'error.rateLimited',
  forbidden: 'error.forbidden',
  'no-such-participant': 'error.noSuchParticipant',
  internal: 'error.internal',
  'bad-json': 'error.protocol',
  'unknown-type': 'error.protocol',
  'invalid-message': 'error.protocol',
  'too-large': 'error.protocol',
  'wrong-state': 'error.protocol',
};

export function errorMessageKey(code: ErrorCode): MessageKey {
  return KEYS[code];
}

/** The heading of the end screen after a final error. */
export function errorTitleKey(code: ErrorCode | null): MessageKey {
  if (code === 'meeting-not-found') return 'error.meetingNotFound.title';
  return code === 'resume-failed' ? 'state.disconnected.title' : 'state.failed.title';
}

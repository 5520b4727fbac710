/** The server's error codes, in words the user can act on. Exhaustive: a new code is a type error. */
import type { ErrorCode } from '../../protocol/messages.js';
import type { MessageKey } from '../i18n/index.js';

const KEYS: Record<ErrorCode, MessageKey> = {
  'meeting-not-found': 'error.meetingNotFound',
  'meeting-full': 'error.meetingFull',
  'media-failed': 'error.mediaFailed',
  'rate-limited': 'error.rateLimited',
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

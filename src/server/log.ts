/**
 * Structured logging (pino). Privacy rule: never log IP addresses, display names, meeting secrets,
 * passwords, tokens or relayed payloads. Callers log only opaque ids and counts; the redaction list
 * is a second net in case a whole object slips through.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

export const REDACTED_KEYS = [
  'name',
  'displayName',
  'password',
  'secret',
  'token',
  'sdp',
  'candidate',
  'ip',
  'address',
  'remoteAddress',
  'headers',
  // Relayed end-to-end-encrypted payloads: ciphertext, but still nobody's business in a log.
  'data',
];

/** Logs to stdout, or to `destination` (tests). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: undefined, // no pid/hostname
    redact: {
      paths: [...REDACTED_KEYS, ...REDACTED_KEYS.map((k) => `*.${k}`)],
      censor: '[redacted]',
    },
    serializers: { err: serializeError },
  };
  return destination ? pino(options, destination) : pino(options);
}

const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}\b/g;
const IPV6 = /\b(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}\b/gi;

/** Library errors (sockets, ICE) can name peer addresses in their text; scrub them before logging. */
export function scrubAddresses(text: string): string {
  return text.replace(IPV4, '[ip]').replace(IPV6, '[ip]');
}

function serializeError(err: unknown): { type: string; message: string; stack?: string } {
  const e = err instanceof Error ? err : new Error(String(err));
  return {
    type: e.name,
    message: scrubAddresses(e.message),
    ...(e.stack ? { stack: scrubAddresses(e.stack) } : {}),
  };
}

/**
 * Turns raw WebSocket text into a validated message, or into the error reply that names what was wrong.
 * Shared so that the client validates what the server sends just as strictly.
 */
import type { z } from 'zod';
import { MAX_MESSAGE_BYTES, MAX_SDP_MESSAGE_BYTES, SDP_MESSAGE_TYPES, type ErrorMessage } from './messages.js';

export type Decoded<T> = { ok: true; message: T } | { ok: false; error: ErrorMessage };

type TypedUnion = z.ZodType<{ type: string }> & { options: readonly { shape: { type: { value: string } } }[] };

export function decodeMessage<S extends TypedUnion>(schema: S, raw: string, byteLength: number): Decoded<z.infer<S>> {
  // Nothing is parsed above the largest limit; the limit of the message's own type comes after.
  if (byteLength > MAX_SDP_MESSAGE_BYTES) return tooLarge(byteLength, MAX_SDP_MESSAGE_BYTES);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return fail('bad-json', 'message is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail('invalid-message', 'message must be a JSON object');
  }
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string') return fail('invalid-message', 'message has no string field "type"');
  if (!schema.options.some((o) => o.shape.type.value === type)) {
    return fail('unknown-type', `unknown message type "${type.slice(0, 40)}"`, type.slice(0, 40));
  }
  const limit = SDP_MESSAGE_TYPES.has(type) ? MAX_SDP_MESSAGE_BYTES : MAX_MESSAGE_BYTES;
  if (byteLength > limit) return tooLarge(byteLength, limit, type);
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'message';
    return fail('invalid-message', `${where}: ${issue?.message ?? 'invalid'}`, type);
  }
  return { ok: true, message: result.data as z.infer<S> };
}

function tooLarge(byteLength: number, limit: number, inReplyTo?: string): { ok: false; error: ErrorMessage } {
  return fail('too-large', `message is ${byteLength} bytes; the limit is ${limit}`, inReplyTo);
}

function fail(code: ErrorMessage['code'], message: string, inReplyTo?: string): { ok: false; error: ErrorMessage } {
  return { ok: false, error: { type: 'error', code, message, recoverable: true, ...(inReplyTo ? { inReplyTo } : {}) } };
}

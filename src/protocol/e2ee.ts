/**
 * End-to-end encrypted payloads between participants. They travel as the `data` string of a
 * signaling `relay` message, which the server passes on without reading (it sets `from`).
 * Only `hello` is in the clear (a public key and a MAC); everything else is AES-GCM ciphertext.
 * docs/e2ee.md describes the scheme.
 */
import { z } from 'zod';
import { ParticipantId } from './messages.js';

/**
 * The meeting secret's key in a link's fragment: `/m/<id>#key=<secret>` (with `&host=` or `&invite=`
 * added for host and personal links). It never reaches the server.
 */
export const FRAGMENT_MEETING_KEY = 'key';

const Base64Url = (max: number) => z.string().regex(/^[A-Za-z0-9_-]+$/, 'not base64url').max(max);
export const KeyId = z.number().int().min(0).max(0xffff_ffff);

const Box = z.object({ iv: Base64Url(16), ct: Base64Url(256) });

/** "Here is my public key", MACed with the meeting's auth key; `reply` asks the others for theirs. */
export const HelloEnvelope = z.object({
  t: z.literal('hello'),
  v: z.literal(1),
  pub: Base64Url(64),
  mac: Base64Url(64),
  reply: z.boolean(),
});

/** A new sender key, wrapped for each recipient under its pairwise key. */
export const KeysEnvelope = z.object({
  t: z.literal('keys'),
  v: z.literal(1),
  kid: KeyId,
  wraps: z.record(ParticipantId, Box).refine((w) => Object.keys(w).length <= 500, 'too many recipients'),
});

/** A payload (chat, reactions…) sealed with the sender's data key for `kid`. */
export const DataEnvelope = z.object({
  t: z.literal('data'),
  v: z.literal(1),
  kid: KeyId,
  iv: Base64Url(16),
  ct: Base64Url(14_000),
});

export const E2eeEnvelope = z.discriminatedUnion('t', [HelloEnvelope, KeysEnvelope, DataEnvelope]);
export type E2eeEnvelope = z.infer<typeof E2eeEnvelope>;

/** What a `data` envelope holds once opened. */
export const ChatPayload = z.object({
  kind: z.literal('chat'),
  /** The sender's name as the sender gave it: inside the ciphertext, so the server never sees it. */
  name: z.string().max(64),
  text: z.string().min(1).max(2000),
  /** Sender's clock, epoch ms: for display order only. */
  sentAt: z.number(),
});
export type ChatPayload = z.infer<typeof ChatPayload>;

/** The reactions anyone can send; a fixed list, so nobody can put arbitrary text on others' tiles. */
export const REACTION_EMOJI = ['👍', '👏', '😂', '😮', '❤️', '🎉'] as const;
export type ReactionEmoji = (typeof REACTION_EMOJI)[number];

/** A short-lived emoji reaction, shown on the sender's tile. */
export const ReactionPayload = z.object({
  kind: z.literal('reaction'),
  emoji: z.enum(REACTION_EMOJI),
});
export type ReactionPayload = z.infer<typeof ReactionPayload>;

export const E2eePayload = z.discriminatedUnion('kind', [ChatPayload, ReactionPayload]);
export type E2eePayload = z.infer<typeof E2eePayload>;

/**
 * The signaling protocol: every WebSocket message type, defined once.
 * Both the server (validation of everything inbound) and the browser client import this file.
 *
 * Negotiation is server-driven: the server always makes the offer and the client only answers,
 * so there is never glare. See docs/protocol.md for the sequence.
 */
import { z } from 'zod';

/** Soft limit: a larger message gets an `error` reply and the connection stays open. */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** Hard limit: the WebSocket layer closes the connection (1009) rather than buffer more. */
export const HARD_MAX_MESSAGE_BYTES = 1024 * 1024;

export const MEETING_ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export const MeetingId = z.string().regex(MEETING_ID_PATTERN, 'not a meeting id');
export const ParticipantId = z.string().min(1).max(64);
export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;

/** A display name as typed by a person; trimmed, no control characters. */
export const DisplayName = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'name is empty')
      .max(64, 'name is longer than 64 characters')
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'name contains control characters'),
  );

export const IceCandidate = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(32).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

const Sdp = z.string().min(1).max(MAX_MESSAGE_BYTES);

/** Hosts moderate; guests don't. (Lobby and moderation actions build on this.) */
export const Role = z.enum(['host', 'guest']);
export type Role = z.infer<typeof Role>;

/** A secret from a link's fragment: 128+ random bits, base64url. */
export const LinkSecret = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'not a valid link secret');

export const MeetingTitle = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, 'title is empty')
      .max(100, 'title is longer than 100 characters')
      // eslint-disable-next-line no-control-regex
      .regex(/^[^\u0000-\u001f\u007f]*$/, 'title contains control characters'),
  );

export const ParticipantInfo = z.object({
  id: ParticipantId,
  name: z.string(),
  role: Role,
  audioMuted: z.boolean(),
  videoMuted: z.boolean(),
});
export type ParticipantInfo = z.infer<typeof ParticipantInfo>;

// ---------------------------------------------------------------- client -> server

export const JoinMessage = z.object({
  type: z.literal('join'),
  meetingId: MeetingId,
  name: DisplayName,
  audioMuted: z.boolean().default(false),
  videoMuted: z.boolean().default(false),
  /** The moderator secret from a host link's fragment; absent for guests. */
  hostSecret: LinkSecret.optional(),
});
export const LeaveMessage = z.object({ type: z.literal('leave') });
export const AnswerMessage = z.object({ type: z.literal('answer'), sdp: Sdp });
export const ClientIceMessage = z.object({ type: z.literal('ice'), candidate: IceCandidate });
export const TrackStateMessage = z.object({
  type: z.literal('track-state'),
  kind: MediaKind,
  muted: z.boolean(),
});

export const ClientMessage = z.discriminatedUnion('type', [
  JoinMessage,
  LeaveMessage,
  AnswerMessage,
  ClientIceMessage,
  TrackStateMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ClientMessage.options.map(
  (o) => o.shape.type.value,
);

// ---------------------------------------------------------------- server -> client

export const WelcomeMessage = z.object({
  type: z.literal('welcome'),
  participantId: ParticipantId,
  meetingId: MeetingId,
  title: z.string(),
  /** Our own role in this meeting. */
  role: Role,
  /** Everyone else already in the meeting. */
  participants: z.array(ParticipantInfo),
});

export const ParticipantJoinedMessage = z.object({
  type: z.literal('participant-joined'),
  participant: ParticipantInfo,
});

export const ParticipantLeftMessage = z.object({
  type: z.literal('participant-left'),
  participantId: ParticipantId,
});

/** Which m-line (mid) carries which remote participant's media. */
export const RemoteTrack = z.object({
  mid: z.string(),
  participantId: ParticipantId,
  kind: MediaKind,
});
export type RemoteTrack = z.infer<typeof RemoteTrack>;

export const OfferMessage = z.object({
  type: z.literal('offer'),
  sdp: Sdp,
  /** The mids on which the client must send its own microphone and camera. */
  publish: z.object({ audio: z.string(), video: z.string() }),
  /** Every receiving m-line that currently carries someone's media; absent mids are idle. */
  tracks: z.array(RemoteTrack),
});
export type OfferMessage = z.infer<typeof OfferMessage>;

export const ServerIceMessage = z.object({ type: z.literal('ice'), candidate: IceCandidate });

export const RemoteTrackStateMessage = z.object({
  type: z.literal('track-state'),
  participantId: ParticipantId,
  kind: MediaKind,
  muted: z.boolean(),
});

export const ErrorCode = z.enum([
  'bad-json',
  'unknown-type',
  'invalid-message',
  'too-large',
  'wrong-state',
  'meeting-not-found',
  'meeting-full',
  'media-failed',
  'rate-limited',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorMessage = z.object({
  type: z.literal('error'),
  code: ErrorCode,
  /** Human-readable, in English; the client translates by `code`. */
  message: z.string(),
  /** The `type` of the message that caused the error, when it could be read. */
  inReplyTo: z.string().optional(),
  /** False when the server closes the connection after this message. */
  recoverable: z.boolean(),
});
export type ErrorMessage = z.infer<typeof ErrorMessage>;

export const ServerMessage = z.discriminatedUnion('type', [
  WelcomeMessage,
  ParticipantJoinedMessage,
  ParticipantLeftMessage,
  OfferMessage,
  ServerIceMessage,
  RemoteTrackStateMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** Narrow a union member by its `type`. */
export type MessageOf<U extends { type: string }, T extends U['type']> = Extract<U, { type: T }>;

// ---------------------------------------------------------------- REST

/** `GET /api/instance`: what the home page needs to know about this server. */
export const InstanceInfo = z.object({
  /** True when anyone may create meetings; otherwise a host key (from a host link) is required. */
  openCreation: z.boolean(),
});
export type InstanceInfo = z.infer<typeof InstanceInfo>;

/** `POST /api/meetings` body; the host key goes in `Authorization: Bearer <key>`. */
export const CreateMeetingRequest = z.object({ title: MeetingTitle });
export type CreateMeetingRequest = z.infer<typeof CreateMeetingRequest>;

/** The host link is `/m/<meetingId>#host=<hostSecret>`; the guest link is `/m/<meetingId>`. */
export const CreateMeetingResponse = z.object({ meetingId: MeetingId, hostSecret: LinkSecret });
export type CreateMeetingResponse = z.infer<typeof CreateMeetingResponse>;

/** `GET /api/meetings/<id>`: what the pre-join screen shows. Unknown ids get 404. */
export const MeetingPublicInfo = z.object({ title: z.string() });
export type MeetingPublicInfo = z.infer<typeof MeetingPublicInfo>;

/** Fragment keys: secrets travel only after `#`, so they never reach server logs or Referer headers. */
export const FRAGMENT_HOST_KEY = 'hostkey';
export const FRAGMENT_HOST_SECRET = 'host';

/** WebSocket path for signaling. */
export const SIGNALING_PATH = '/ws';

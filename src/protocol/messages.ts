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
/**
 * Soft limit of the two messages that carry an SDP (`offer`, `answer`): a session description grows
 * by about 900 bytes per m-line, up to three per participant, so 64 KiB ends near 35 participants.
 * This fits about 190.
 */
export const MAX_SDP_MESSAGE_BYTES = 512 * 1024;
export const SDP_MESSAGE_TYPES: ReadonlySet<string> = new Set(['offer', 'answer']);
/** Hard limit: the WebSocket layer closes the connection (1009) rather than buffer more. */
export const HARD_MAX_MESSAGE_BYTES = 1024 * 1024;

export const MEETING_ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export const MeetingId = z.string().regex(MEETING_ID_PATTERN, 'not a meeting id');
export const ParticipantId = z.string().min(1).max(64);
export const MediaKind = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKind>;
/** What a published track carries; each source has its own m-line, Producer and mute/pause state. */
export const MediaSource = z.enum(['microphone', 'camera', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;
export const SOURCE_KIND: Readonly<Record<MediaSource, MediaKind>> = { microphone: 'audio', camera: 'video', screen: 'video' };

/** Text a person types (a name, a title): trimmed, not empty, bounded, no control characters. */
function typedText(what: string, max: number) {
  return z
    .string()
    .transform((s) => s.normalize('NFC').trim())
    .pipe(
      z
        .string()
        .min(1, `${what} is empty`)
        .max(max, `${what} is longer than ${max} characters`)
        // eslint-disable-next-line no-control-regex
        // Control, format (bidi overrides, zero-width) and line/paragraph separator characters could
        // make one name look like another on moderators' screens.
        .regex(/^[^\p{Cc}\p{Cf}\u2028\u2029]*$/u, `${what} contains control characters`),
    );
}

export const DisplayName = typedText('name', 64);

export const IceCandidate = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(32).nullable().optional(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullable().optional(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

const Sdp = z.string().min(1).max(MAX_SDP_MESSAGE_BYTES);

/**
 * Hosts (who hold the host link) and moderators (made so by a host or moderator) moderate; guests
 * don't. Guests wait in the lobby until a moderator admits them, unless the lobby is off.
 */
export const Role = z.enum(['host', 'moderator', 'guest']);
export const MODERATOR_ROLES: readonly Role[] = ['host', 'moderator'];
export type Role = z.infer<typeof Role>;

/** A secret from a link's fragment: 128+ random bits, base64url. */
export const LinkSecret = z.string().regex(/^[A-Za-z0-9_-]{22,128}$/, 'not a valid link secret');

export const MeetingTitle = typedText('title', 100);

export const ParticipantInfo = z.object({
  id: ParticipantId,
  name: z.string(),
  role: Role,
  audioMuted: z.boolean(),
  videoMuted: z.boolean(),
  /** Came in with a personal invitation: the name is the one the host gave, not self-chosen. */
  verified: z.boolean().default(false),
  /** This participant's browser end-to-end encrypts its media (false only where the host allows it). */
  e2ee: z.boolean(),
  /**
   * Present while their hand is up: the server's time (epoch ms) when it went up, strictly increasing
   * within a meeting, so sorting by it gives everyone the same queue.
   */
  handRaisedAt: z.number().int().optional(),
  /** Sharing their screen now (the SFU forwards it only while this is true). */
  screenSharing: z.boolean(),
});
export type ParticipantInfo = z.infer<typeof ParticipantInfo>;

// ---------------------------------------------------------------- client -> server

export const JoinMessage = z.object({
  type: z.literal('join'),
  meetingId: MeetingId,
  name: DisplayName,
  audioMuted: z.boolean().default(false),
  videoMuted: z.boolean().default(false),
  /**
   * True when this browser will end-to-end encrypt its media. A browser that can't is refused
   * (`e2ee-required`) unless the meeting allows unencrypted participants.
   */
  e2ee: z.boolean(),
  /** The moderator secret from a host link's fragment; absent for guests. */
  hostSecret: LinkSecret.optional(),
  /**
   * A random token this browser keeps (localStorage) so that a denied or banned guest is recognised
   * when knocking again. Held in memory only, for the meeting's lifetime.
   */
  deviceToken: LinkSecret.optional(),
  /** The meeting password, when it has one (hosts with a valid host secret don't need it). */
  password: z.string().max(256).optional(),
  /** The token from a personal invitation link's fragment. */
  inviteToken: LinkSecret.optional(),
});
/**
 * Take our place in the meeting back after a dropped connection, within the server's grace period:
 * same participant, role and state, no lobby, and the others see no leave or join.
 */
export const ResumeMessage = z.object({
  type: z.literal('resume'),
  meetingId: MeetingId,
  participantId: ParticipantId.optional(),
  /** The newest `resumeToken` from `welcome` or `resumed`. */
  token: LinkSecret,
});
export const LeaveMessage = z.object({ type: z.literal('leave') });
export const AnswerMessage = z.object({ type: z.literal('answer'), sdp: Sdp });
export const ClientIceMessage = z.object({ type: z.literal('ice'), candidate: IceCandidate });
/**
 * Client to server: our media connection failed while signaling still works; set it up again.
 * Server to client: done; from here on, offers and candidates are for a new RTCPeerConnection
 * (those before it belong to the old one).
 */
export const RestartIceMessage = z.object({ type: z.literal('restart-ice') });
export const TrackStateMessage = z.object({
  type: z.literal('track-state'),
  kind: MediaKind,
  muted: z.boolean(),
});

// Moderation: every one of these is checked on the server against the sender's role.
const Target = { participantId: ParticipantId };
export const AdmitMessage = z.object({ type: z.literal('admit'), ...Target });
export const DenyMessage = z.object({ type: z.literal('deny'), ...Target });
export const AdmitAllMessage = z.object({ type: z.literal('admit-all') });
export const KickMessage = z.object({ type: z.literal('kick'), ...Target, ban: z.boolean().default(false) });
export const MuteMessage = z.object({ type: z.literal('mute'), ...Target, kind: MediaKind });
export const MuteAllMessage = z.object({
  type: z.literal('mute-all'),
  kind: MediaKind,
  /** When true, guests may not unmute that kind until a moderator allows it. */
  lockUnmute: z.boolean().default(false),
});
export const AllowUnmuteMessage = z.object({ type: z.literal('allow-unmute'), ...Target, kind: MediaKind });
export const RequestUnmuteMessage = z.object({ type: z.literal('request-unmute'), kind: MediaKind });
export const SetLockMessage = z.object({ type: z.literal('set-lock'), locked: z.boolean() });
export const SetLobbyMessage = z.object({ type: z.literal('set-lobby'), enabled: z.boolean() });
export const SetRoleMessage = z.object({ type: z.literal('set-role'), ...Target, role: z.enum(['moderator', 'guest']) });
export const EndMeetingMessage = z.object({ type: z.literal('end-meeting') });
/** A personal invitation bound to `name`; its link is shown once, to the moderator who made it. */
export const CreateInviteMessage = z.object({
  type: z.literal('create-invite'),
  name: DisplayName,
  singleUse: z.boolean().default(false),
  /** Hours until the link stops working; none: it works as long as the meeting exists. */
  expiresInHours: z.number().int().min(1).max(24 * 365).optional(),
});
export const RevokeInviteMessage = z.object({ type: z.literal('revoke-invite'), inviteId: z.string().min(1).max(64) });
/** Set (or with null, remove) the meeting password. */
export const SetPasswordMessage = z.object({ type: z.literal('set-password'), password: z.string().min(4).max(256).nullable() });
/** Let in (or again refuse) browsers that can't end-to-end encrypt; those already inside stay. */
export const SetAllowUnencryptedMessage = z.object({ type: z.literal('set-allow-unencrypted'), allowed: z.boolean() });

/** Raise or lower one's own hand; the server keeps the queue order. */
export const RaiseHandMessage = z.object({ type: z.literal('raise-hand'), raised: z.boolean() });
/** Moderators: lower someone else's hand (e.g. once they had their turn). */
export const LowerHandMessage = z.object({ type: z.literal('lower-hand'), ...Target });

/** Our screen share started (the track is on the `publish.screen` m-line) or stopped. */
export const ClientScreenShareMessage = z.object({ type: z.literal('screen-share'), active: z.boolean() });
/** Moderators: stop someone's screen share; the SFU stops forwarding it at once. */
export const StopScreenShareMessage = z.object({ type: z.literal('stop-screen-share'), ...Target });

/** A remote video this browser shows now, and how many device pixels its tile has. */
export const TileView = z.object({
  participantId: ParticipantId,
  source: z.enum(['camera', 'screen']),
  width: z.number().int().min(0).max(16384),
  height: z.number().int().min(0).max(16384),
});
export type TileView = z.infer<typeof TileView>;
/**
 * What this browser shows: its visible remote videos (any not listed is off-screen, and the SFU
 * stops sending it) and the participant it pinned. Sent whenever the layout changes.
 */
export const ViewMessage = z.object({
  type: z.literal('view'),
  tiles: z.array(TileView).max(256),
  pinned: ParticipantId.nullable().default(null),
});
/**
 * A remote video this browser receives packets of but hasn't decoded a frame of for a while: the
 * SFU asks its publisher for a keyframe. Chromium itself asks only after 3 s without a frame.
 */
export const RequestKeyframeMessage = z.object({
  type: z.literal('request-keyframe'),
  ...Target,
  source: z.enum(['camera', 'screen']),
});
/** Moderators: forward video of at most this many participants to each person (last-N). */
export const SetLastNMessage = z.object({ type: z.literal('set-last-n'), lastN: z.number().int().min(1).max(100) });

/** An end-to-end-encrypted payload between participants (keys, chat); opaque to the server. */
export const RelayData = z.string().min(1).max(16 * 1024);
/** To one admitted participant (`to`), or without `to` to every other admitted participant. */
export const ClientRelayMessage = z.object({ type: z.literal('relay'), to: ParticipantId.optional(), data: RelayData });

export const ClientMessage = z.discriminatedUnion('type', [
  JoinMessage,
  ResumeMessage,
  LeaveMessage,
  AnswerMessage,
  ClientIceMessage,
  RestartIceMessage,
  TrackStateMessage,
  AdmitMessage,
  DenyMessage,
  AdmitAllMessage,
  KickMessage,
  MuteMessage,
  MuteAllMessage,
  AllowUnmuteMessage,
  RequestUnmuteMessage,
  SetLockMessage,
  SetLobbyMessage,
  SetRoleMessage,
  EndMeetingMessage,
  SetPasswordMessage,
  SetAllowUnencryptedMessage,
  CreateInviteMessage,
  RevokeInviteMessage,
  RaiseHandMessage,
  LowerHandMessage,
  ClientScreenShareMessage,
  StopScreenShareMessage,
  ClientRelayMessage,
  ViewMessage,
  RequestKeyframeMessage,
  SetLastNMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ClientMessage.options.map(
  (o) => o.shape.type.value,
);

// ---------------------------------------------------------------- server -> client

/** Meeting-wide settings everyone in the meeting sees. */
export const MeetingState = z.object({
  locked: z.boolean(),
  lobbyEnabled: z.boolean(),
  /** Kinds guests may not unmute without a moderator's permission (after "mute all"). */
  unmuteLocked: z.array(MediaKind),
  /** Guests must give the meeting password to enter. */
  passwordProtected: z.boolean(),
  /** A host let in browsers that can't end-to-end encrypt (their media is only encrypted hop by hop). */
  allowUnencrypted: z.boolean(),
  /** Video is forwarded for at most this many participants per person (screens, pinned, speakers first). */
  lastN: z.number().int().min(1),
});
export type MeetingState = z.infer<typeof MeetingState>;


export const WelcomeMessage = z.object({
  type: z.literal('welcome'),
  participantId: ParticipantId,
  meetingId: MeetingId,
  title: z.string(),
  /** Our own role in this meeting. */
  role: Role,
  state: MeetingState,
  /** Everyone else already in the meeting. */
  participants: z.array(ParticipantInfo),
  /**
   * Lets this connection's participant `resume` after a dropped connection. Keep it in memory only;
   * each `resumed` brings a new one, and the old one stops working.
   */
  resumeToken: LinkSecret,
});

/** The answer to a successful `resume`: the meeting as it is now, like `welcome`. */
export const ResumedMessage = WelcomeMessage.extend({
  type: z.literal('resumed'),
  /** Our own state as the server holds it (a moderator may have muted us meanwhile). */
  self: ParticipantInfo,
});

export const ParticipantJoinedMessage = z.object({
  type: z.literal('participant-joined'),
  participant: ParticipantInfo,
});

export const ParticipantLeftMessage = z.object({
  type: z.literal('participant-left'),
  participantId: ParticipantId,
});

/** Which m-line (mid) carries which remote participant's media, and which of their sources. */
export const RemoteTrack = z.object({
  mid: z.string(),
  participantId: ParticipantId,
  kind: MediaKind,
  source: MediaSource,
});
export type RemoteTrack = z.infer<typeof RemoteTrack>;

export const OfferMessage = z.object({
  type: z.literal('offer'),
  sdp: Sdp,
  /** The mids on which the client must send its own microphone, camera and screen. */
  publish: z.object({ audio: z.string(), video: z.string(), screen: z.string() }),
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

export const MeetingStateMessage = z.object({ type: z.literal('meeting-state'), state: MeetingState });

/** To a guest who knocked: wait until a moderator lets you in. No names, no media meanwhile. */
export const LobbyWaitMessage = z.object({ type: z.literal('lobby-wait'), title: z.string() });

/** To moderators: someone is waiting in the lobby (or stopped waiting). */
export const KnockMessage = z.object({ type: z.literal('knock'), knocker: z.object({ id: ParticipantId, name: z.string() }) });
export const KnockEndedMessage = z.object({ type: z.literal('knock-ended'), knockerId: ParticipantId });

/** The connection ends after these. */
export const RemovedMessage = z.object({
  type: z.literal('removed'),
  reason: z.enum(['denied', 'kicked', 'banned', 'meeting-ended']),
});

/** A moderator muted you; the SFU has stopped forwarding that kind until you unmute (if allowed). */
export const MutedByModeratorMessage = z.object({ type: z.literal('muted-by-moderator'), kind: MediaKind });
/** To moderators: a participant asks to unmute. */
export const UnmuteRequestMessage = z.object({ type: z.literal('unmute-request'), participantId: ParticipantId, kind: MediaKind });
/** To a participant: you may unmute this kind again. */
export const UnmuteAllowedMessage = z.object({ type: z.literal('unmute-allowed'), kind: MediaKind });
export const InviteInfo = z.object({
  id: z.string(),
  name: z.string(),
  singleUse: z.boolean(),
  used: z.boolean(),
  revoked: z.boolean(),
  /** Epoch milliseconds, or null for no expiry. */
  expiresAt: z.number().nullable(),
});
export type InviteInfo = z.infer<typeof InviteInfo>;
/** To moderators: the meeting's personal invitations (never their tokens). */
export const InvitesMessage = z.object({ type: z.literal('invites'), invites: z.array(InviteInfo) });
/** To the moderator who made it: the invitation's token, for building its link. Sent once. */
export const InviteCreatedMessage = z.object({ type: z.literal('invite-created'), invite: InviteInfo, token: LinkSecret });

export const RoleChangedMessage = z.object({ type: z.literal('role-changed'), participantId: ParticipantId, role: Role });

/** To everyone, the sender included: a hand went up (`raisedAt`, see ParticipantInfo.handRaisedAt) or down (null). */
export const HandMessage = z.object({ type: z.literal('hand'), participantId: ParticipantId, raisedAt: z.number().int().nullable() });

/** To everyone, the sharer included: a screen share started or stopped (by the sharer or a moderator). */
export const ServerScreenShareMessage = z.object({ type: z.literal('screen-share'), participantId: ParticipantId, active: z.boolean() });
/** To the sharer: a moderator stopped your screen share; the SFU no longer forwards it. */
export const ScreenStoppedByModeratorMessage = z.object({ type: z.literal('screen-stopped-by-moderator') });

/**
 * To a publisher (dynacast): which of its camera layers anybody receives, lowest first. The
 * browser stops encoding the others until they are needed again.
 */
export const PublishLayersMessage = z.object({ type: z.literal('publish-layers'), active: z.array(z.boolean()).length(3) });

/** Why the SFU sends no video for a remote track now. */
export const PauseReason = z.enum(['off-screen', 'last-n', 'bandwidth']);
export type PauseReason = z.infer<typeof PauseReason>;
/**
 * To a subscriber, whenever it changes: the remote videos the SFU holds back from it, and whether
 * its downlink is too slow for any video at all (then it receives audio only).
 */
export const ForwardingMessage = z.object({
  type: z.literal('forwarding'),
  paused: z.array(z.object({ participantId: ParticipantId, source: z.enum(['camera', 'screen']), reason: PauseReason })),
  audioOnly: z.boolean(),
});

/** A relayed payload; `from` is set by the server, so one participant can't pose as another. */
export const ServerRelayMessage = z.object({ type: z.literal('relay'), from: ParticipantId, data: RelayData });

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
  /** Not allowed for your role, or not allowed right now (e.g. unmuting while muted by a moderator). */
  'forbidden',
  /** The participant named in a moderation message isn't there. */
  'no-such-participant',
  'meeting-locked',
  /** The meeting needs a password, and none or a wrong one was given. */
  'password-required',
  /** The meeting admits only browsers that end-to-end encrypt, and this join said it can't. */
  'e2ee-required',
  /** A `resume` with an unknown or used token, or after the grace period: join again. */
  'resume-failed',
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
  ResumedMessage,
  ParticipantJoinedMessage,
  ParticipantLeftMessage,
  OfferMessage,
  ServerIceMessage,
  RestartIceMessage,
  RemoteTrackStateMessage,
  MeetingStateMessage,
  LobbyWaitMessage,
  KnockMessage,
  KnockEndedMessage,
  RemovedMessage,
  MutedByModeratorMessage,
  UnmuteRequestMessage,
  UnmuteAllowedMessage,
  RoleChangedMessage,
  HandMessage,
  ServerScreenShareMessage,
  ScreenStoppedByModeratorMessage,
  InvitesMessage,
  InviteCreatedMessage,
  ServerRelayMessage,
  PublishLayersMessage,
  ForwardingMessage,
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
  /** Who runs this server (e.g. a school), shown on the pre-join screen; set by the operator. */
  organization: z.string().nullable().default(null),
});
export type InstanceInfo = z.infer<typeof InstanceInfo>;

/** `POST /api/meetings` body; the host key goes in `Authorization: Bearer <key>`. */
export const CreateMeetingRequest = z.object({
  title: MeetingTitle,
  password: z.string().min(4, 'password is shorter than 4 characters').max(256).optional(),
  /** Guests wait in the lobby (default) or enter directly. */
  lobby: z.boolean().default(true),
});
export type CreateMeetingRequest = z.infer<typeof CreateMeetingRequest>;

/** The host link is `/m/<meetingId>#host=<hostSecret>`; the guest link is `/m/<meetingId>`. */
export const CreateMeetingResponse = z.object({ meetingId: MeetingId, hostSecret: LinkSecret });
export type CreateMeetingResponse = z.infer<typeof CreateMeetingResponse>;

/** `GET /api/meetings/<id>`: what the pre-join screen shows. Unknown ids get 404. */
export const MeetingPublicInfo = z.object({
  title: z.string(),
  /** Whether a browser that can't end-to-end encrypt may join (otherwise it gets `e2ee-required`). */
  allowUnencrypted: z.boolean(),
});
export type MeetingPublicInfo = z.infer<typeof MeetingPublicInfo>;

/** Fragment keys: secrets travel only after `#`, so they never reach server logs or Referer headers. */
export const FRAGMENT_HOST_KEY = 'hostkey';
export const FRAGMENT_HOST_SECRET = 'host';
export const FRAGMENT_INVITE = 'invite';

/** WebSocket path for signaling. */
export const SIGNALING_PATH = '/ws';

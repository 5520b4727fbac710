/**
 * Server configuration: defaults, then an optional JSON config file (CONFAB_CONFIG), then environment
 * variables. Everything is validated at start-up so that a typo fails loudly instead of silently.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const Ip = z.string().refine((s) => isIP(s) !== 0, 'not an IP address');

export const ConfigSchema = z
  .object({
    host: z.string().default('0.0.0.0'),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Where the built client lives. */
    clientDir: z.string().default('dist/client'),
    maxParticipants: z.coerce.number().int().min(2).max(500).default(100),
    /**
     * Last-N: each person receives video of at most this many others (screens, their pinned
     * participant and the latest speakers first). Moderators can change it per meeting.
     */
    lastN: z.coerce.number().int().min(1).max(100).default(16),
    /** Who runs this server (e.g. "Gymnasium Musterstadt"), shown to people before they join. */
    organization: z.string().min(1).max(100).optional(),
    /** Where the SQLite file lives (meetings and instance settings; nothing about participants). */
    dataDir: z.string().default('data'),
    /** Let anyone create meetings (rate-limited per client) instead of only holders of the host key. */
    openCreation: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
    /** Days after creation when a meeting and its links stop working and its record is deleted. */
    meetingTtlDays: z.coerce.number().min(1).max(3650).default(30),
    /** The address people use to reach this server, for the host link printed at first start. */
    publicUrl: z.string().url().optional(),
    /** Behind a reverse proxy: take the client address from X-Forwarded-For (for throttling only). */
    trustProxy: z
      .union([z.boolean(), z.enum(['true', 'false', '1', '0'])])
      .transform((v) => v === true || v === 'true' || v === '1')
      .default(false),
    /** Ping interval for signaling connections; one that misses a pong is dropped at the next. */
    heartbeatSeconds: z.coerce.number().min(1).max(300).default(20),
    /**
     * How long a participant whose connection dropped keeps their place (and their media in the
     * SFU) for a `resume`, before the others see them leave. 0: leave at once.
     */
    resumeGraceSeconds: z.coerce.number().min(0).max(600).default(30),
    /**
     * Testing aid: a file the SFU appends the first bytes of forwarded media payloads to (see
     * sfu/media-tap.ts), so tests can check that end-to-end-encrypted media is ciphertext.
     */
    mediaTapFile: z.string().min(1).optional(),
    /**
     * Media worker processes the meetings are spread over (each meeting on one), one per core by
     * default. 0: media runs in the server process itself.
     */
    mediaWorkers: z.coerce.number().int().min(0).max(256).default(() => availableParallelism()),
    rtc: z
      .object({
        /**
         * Local addresses the media plane gathers ICE candidates on and uses. Empty: every
         * non-loopback interface. Use 127.0.0.1 for a machine-local meeting (tests, benchmarks).
         */
        listenIps: z.array(Ip).default([]),
        /** Public address to announce instead of the local one, for a server behind 1:1 NAT. */
        announcedIp: Ip.optional(),
        /** UDP port range for media, inclusive. */
        portMin: z.coerce.number().int().min(1024).max(65535).default(40000),
        portMax: z.coerce.number().int().min(1024).max(65535).default(49999),
        /** STUN servers the SFU may contact to learn its public address. None by default. */
        stunServers: z.array(z.string().regex(/^stun:/)).default([]),
        /** For tests only: drop this share of media packets in each direction, like a lossy link. */
        simulatedLossPercent: z.coerce.number().min(0).max(50).default(0),
      })
      .default({ listenIps: [], portMin: 40000, portMax: 49999, stunServers: [], simulatedLossPercent: 0 })
      .refine((r) => r.portMin < r.portMax, 'rtc.portMin must be below rtc.portMax'),
  })
  .strict();

export type Config = z.infer<typeof ConfigSchema>;
export type RtcConfig = Config['rtc'];

const list = (v: string | undefined): string[] | undefined =>
  v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean);

/** Environment variables that override the file; undefined entries are ignored. */
function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const rtc = {
    listenIps: list(env.CONFAB_RTC_LISTEN_IPS),
    announcedIp: env.CONFAB_RTC_ANNOUNCED_IP,
    portMin: env.CONFAB_RTC_PORT_MIN,
    portMax: env.CONFAB_RTC_PORT_MAX,
    stunServers: list(env.CONFAB_RTC_STUN_SERVERS),
    simulatedLossPercent: env.CONFAB_RTC_SIMULATED_LOSS_PERCENT,
  };
  return {
    host: env.HOST,
    port: env.PORT,
    logLevel: env.LOG_LEVEL,
    clientDir: env.CONFAB_CLIENT_DIR,
    maxParticipants: env.CONFAB_MAX_PARTICIPANTS,
    lastN: env.CONFAB_LAST_N,
    heartbeatSeconds: env.CONFAB_HEARTBEAT_SECONDS,
    resumeGraceSeconds: env.CONFAB_RESUME_GRACE_SECONDS,
    dataDir: env.CONFAB_DATA_DIR,
    organization: env.CONFAB_ORGANIZATION,
    openCreation: env.CONFAB_OPEN_CREATION,
    meetingTtlDays: env.CONFAB_MEETING_TTL_DAYS,
    publicUrl: env.CONFAB_PUBLIC_URL,
    trustProxy: env.CONFAB_TRUST_PROXY,
    mediaTapFile: env.CONFAB_MEDIA_TAP_FILE,
    mediaWorkers: env.CONFAB_MEDIA_WORKERS,
    rtc: dropUndefined(rtc),
  };
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const file: Record<string, unknown> = env.CONFAB_CONFIG
    ? (JSON.parse(readFileSync(env.CONFAB_CONFIG, 'utf8')) as Record<string, unknown>)
    : {};
  const e = fromEnv(env);
  const merged = {
    ...file,
    ...dropUndefined(e),
    rtc: { ...((file.rtc as Record<string, unknown> | undefined) ?? {}), ...(e.rtc as Record<string, unknown>) },
  };
  const parsed = ConfigSchema.safeParse(merged);
  if (!parsed.success) {
    const msg = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${msg}`);
  }
  return parsed.data;
}

/**
 * A Janus configuration folder in a temp dir: the WebSocket API on 127.0.0.1, no STUN, a random
 * admin secret and VideoRoom admin key, and only the VideoRoom plugin and the WebSocket transport
 * loaded.
 *
 * Media can't be on 127.0.0.1: Janus 1.1.2 skips loopback interfaces when it gathers ICE candidates
 * (`ice_enforce_list = "lo"` leaves it none, and libnice then falls back to every other address).
 * So its ICE is limited to one address of this machine; packets to a local address are delivered
 * through the loopback device and never leave the machine.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';

export interface JanusConfig {
  dir: string;
  wsPort: number;
  /** Needed to create rooms through the API. */
  roomAdminKey: string;
}

/** Media ports, apart from Confab's default 40000–49999. */
const RTP_PORT_RANGE = '20000-29999';
const PLUGIN = 'libjanus_videoroom.so';
const TRANSPORT = 'libjanus_websockets.so';

/** Debian installs the modules under /usr/lib/<multiarch triplet>/janus. */
function modulesDir(): string {
  for (const arch of readdirSync('/usr/lib')) {
    const dir = join('/usr/lib', arch, 'janus');
    if (existsSync(join(dir, 'plugins', PLUGIN))) return dir;
  }
  throw new Error(`no ${PLUGIN} under /usr/lib/*/janus/plugins`);
}

/** Every module of the folder but `keep`, as Janus's comma-separated `disable` list. */
function allBut(dir: string, keep: string): string {
  return readdirSync(dir).filter((f) => f.endsWith('.so') && f !== keep).join(',');
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || !address) throw new Error('no free port');
  return address.port;
}

/** The first IPv4 address of this machine that is not loopback. */
export function localMediaAddress(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    const v4 = addresses?.find((a) => a.family === 'IPv4' && !a.internal);
    if (v4) return v4.address;
  }
  throw new Error('Janus needs an IPv4 address besides loopback for ICE, and this machine has none');
}

const secret = () => randomBytes(18).toString('base64url');

export async function writeJanusConfig(): Promise<JanusConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'confab-bench-janus-'));
  const modules = modulesDir();
  const wsPort = await freePort();
  const mediaAddress = localMediaAddress();
  const roomAdminKey = secret();
  const files: Record<string, string> = {
    'janus.jcfg': `general: {
  configs_folder = "${dir}"
  plugins_folder = "${modules}/plugins"
  transports_folder = "${modules}/transports"
  events_folder = "${modules}/events"
  loggers_folder = "${modules}/loggers"
  debug_level = 3
  admin_secret = "${secret()}"
  interface = "127.0.0.1"
  session_timeout = 60
}
media: {
  ipv6 = false
  rtp_port_range = "${RTP_PORT_RANGE}"
}
nat: {
  nice_debug = false
  ice_enforce_list = "${mediaAddress}"
}
plugins: { disable = "${allBut(join(modules, 'plugins'), PLUGIN)}" }
transports: { disable = "${allBut(join(modules, 'transports'), TRANSPORT)}" }
loggers: { disable = "${allBut(join(modules, 'loggers'), '')}" }
events: { broadcast = false }
`,
    'janus.plugin.videoroom.jcfg': `general: {
  admin_key = "${roomAdminKey}"
  events = false
}
`,
    'janus.transport.websockets.jcfg': `general: {
  json = "compact"
  ws = true
  ws_port = ${wsPort}
  ws_ip = "127.0.0.1"
  wss = false
  ws_logging = "err"
}
admin: {
  admin_ws = false
  admin_wss = false
}
`,
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text, { mode: 0o600 });
  return { dir, wsPort, roomAdminKey };
}

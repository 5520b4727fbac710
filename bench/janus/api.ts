/**
 * The Janus API over its WebSocket transport: requests carry a transaction, Janus answers with an
 * `ack` and, for plugin messages, a separate `event` with the same transaction. A session needs
 * a keepalive within 60 s; it sends one every 20 s.
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
}

interface JanusReply {
  janus: string;
  transaction?: string;
  data?: { id: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
}

/** A plugin's reply: its `data`, and the SDP if it sent one. */
export interface PluginReply {
  data: Record<string, unknown>;
  jsep: Jsep | undefined;
}

const KEEPALIVE_MS = 20_000;
const REQUEST_TIMEOUT_MS = 15_000;

export class JanusConnection {
  private readonly pending = new Map<string, { ackIsReply: boolean; resolve: (r: JanusReply) => void; reject: (e: Error) => void }>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (raw) => {
      const reply = JSON.parse(String(raw)) as JanusReply;
      const waiting = reply.transaction === undefined ? undefined : this.pending.get(reply.transaction);
      if (!waiting || (reply.janus === 'ack' && !waiting.ackIsReply)) return; // events without a transaction are not needed
      this.pending.delete(reply.transaction!);
      if (reply.janus === 'error') waiting.reject(new Error(`Janus: ${reply.error?.reason ?? 'error'}`));
      else waiting.resolve(reply);
    });
    ws.on('close', () => {
      for (const w of this.pending.values()) w.reject(new Error('Janus connection closed'));
      this.pending.clear();
    });
  }

  static async open(url: string): Promise<JanusConnection> {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => {}); // 'close' follows and fails what is pending
    return new JanusConnection(ws);
  }

  /** Sends a request; resolves with its reply (`ackIsReply`: requests that only get an ack). */
  request(body: Record<string, unknown>, ackIsReply = false): Promise<JanusReply> {
    const transaction = randomBytes(9).toString('base64url');
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new Error(`Janus: no reply to ${String(body.janus)}`));
      }, REQUEST_TIMEOUT_MS);
      const settle = <T>(f: (v: T) => void) => (v: T) => {
        clearTimeout(timer);
        f(v);
      };
      this.pending.set(transaction, { ackIsReply, resolve: settle(resolve), reject: settle(reject) });
      this.ws.send(JSON.stringify({ ...body, transaction }));
    });
  }

  async createSession(): Promise<JanusSession> {
    const reply = await this.request({ janus: 'create' });
    return new JanusSession(this, reply.data!.id);
  }

  close(): void {
    this.ws.close();
  }
}

export class JanusSession {
  private readonly keepalive: NodeJS.Timeout;

  constructor(
    readonly connection: JanusConnection,
    readonly id: number,
  ) {
    this.keepalive = setInterval(() => void connection.request({ janus: 'keepalive', session_id: id }, true).catch(() => {}), KEEPALIVE_MS);
  }

  async attach(plugin: string): Promise<JanusHandle> {
    const reply = await this.connection.request({ janus: 'attach', session_id: this.id, plugin });
    return new JanusHandle(this, reply.data!.id);
  }

  async destroy(): Promise<void> {
    clearInterval(this.keepalive);
    await this.connection.request({ janus: 'destroy', session_id: this.id }).catch(() => {});
  }
}

export class JanusHandle {
  constructor(
    private readonly session: JanusSession,
    readonly id: number,
  ) {}

  /** A plugin message; rejects on a plugin error (`error_code` in its data). */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginReply> {
    const reply = await this.session.connection.request({ janus: 'message', session_id: this.session.id, handle_id: this.id, body, ...(jsep ? { jsep } : {}) });
    const data = reply.plugindata?.data ?? {};
    if ('error_code' in data) throw new Error(`Janus ${String(body.request)}: ${String(data.error)}`);
    return { data, jsep: reply.jsep };
  }

  /** End of our candidates: they are all in the SDP we sent. */
  async trickleCompleted(): Promise<void> {
    await this.session.connection.request({ janus: 'trickle', session_id: this.session.id, handle_id: this.id, candidate: { completed: true } }, true);
  }
}

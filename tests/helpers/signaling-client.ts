/** A signaling test client: validates and queues everything the server sends. */
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ServerMessage, type ClientMessage, type MessageOf } from '../../src/protocol/messages.js';
import type { RunningServer } from './server.js';

/** A join's fields; `e2ee` defaults to true (a browser that end-to-end encrypts). */
export type JoinFields = Omit<MessageOf<ClientMessage, 'join'>, 'type' | 'e2ee' | 'audioMuted' | 'videoMuted'> &
  Partial<Pick<MessageOf<ClientMessage, 'join'>, 'e2ee' | 'audioMuted' | 'videoMuted'>>;

export class SignalingClient {
  readonly ws: WebSocket;
  private readonly inbox: ServerMessage[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number } | undefined;

  constructor(baseUrl: string, options: { origin?: string; autoPong?: boolean } = {}) {
    this.ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws`, {
      ...(options.origin ? { origin: options.origin } : {}),
      autoPong: options.autoPong ?? true,
    });
    this.ws.on('message', (data) => {
      this.inbox.push(ServerMessage.parse(JSON.parse(String(data))));
      this.wake();
    });
    this.ws.on('close', (code) => {
      this.closed = { code };
      this.wake();
    });
  }

  static async connect(baseUrl: string, options: { origin?: string; autoPong?: boolean } = {}): Promise<SignalingClient> {
    return new SignalingClient(baseUrl, options).open();
  }

  async open(): Promise<this> {
    if (this.ws.readyState !== WebSocket.OPEN) await new Promise((r, j) => this.ws.once('open', r).once('error', j));
    return this;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Sends `join`, as a browser that end-to-end encrypts unless `e2ee: false` is given. */
  join(fields: JoinFields): void {
    this.send({ type: 'join', e2ee: true, ...fields });
  }

  /** The next message of `type` (earlier ones of other types stay queued). */
  async next<T extends ServerMessage['type']>(type: T, timeoutMs = 5000): Promise<MessageOf<ServerMessage, T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex((m) => m.type === type);
      if (i >= 0) return this.inbox.splice(i, 1)[0] as MessageOf<ServerMessage, T>;
      if (this.closed) throw new Error(`closed (${this.closed.code}) while waiting for ${type}; got ${this.types().join(', ')}`);
      if (!(await this.waitForWake(deadline))) throw new Error(`no ${type} message; got ${this.types().join(', ')}`);
    }
  }

  /** Types of the messages received and not yet taken by next(). */
  types(): string[] {
    return this.inbox.map((m) => m.type);
  }

  async waitClosed(timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (!(await this.waitForWake(deadline))) throw new Error('still open');
    }
    return this.closed.code;
  }

  /** Proves the connection still works: a fresh bad message must still get its own reply. */
  async assertAlive(): Promise<void> {
    this.send('{"type":"ping-check"}');
    const e = await this.next('error');
    assert.equal(e.code, 'unknown-type');
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** False when the deadline passed without news. */
  private waitForWake(deadline: number): Promise<boolean> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const t = setTimeout(() => resolve(false), left);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }
}

/** Creates a meeting with the server's host key; returns its id and host secret. */
export async function createMeeting(server: RunningServer, title = 'Test meeting'): Promise<{ meetingId: string; hostSecret: string }> {
  const res = await fetch(`${server.url}/api/meetings`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.hostKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  assert.equal(res.status, 201);
  return (await res.json()) as { meetingId: string; hostSecret: string };
}

/**
 * The SFU's offer as a simple client sees it: werift, answering, would claim the three simulcast
 * layers yet send one stream without rids, and its transport-cc feedback is wrong (docs/sfu.md),
 * which would sink the SFU's estimate of this client's downlink.
 */
export function asPlainClient(sdp: string): string {
  return sdp
    .split('\r\n')
    .filter((l) => !/^a=(simulcast:|rid:|rtcp-fb:\d+ transport-cc|extmap:\d+ http:\/\/www\.ietf\.org\/id\/draft-holmer-rmcat-transport-wide-cc)/.test(l))
    .join('\r\n');
}

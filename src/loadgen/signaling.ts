/**
 * A synthetic participant's signaling WebSocket: JSON in and out. Inbound messages are validated
 * against the protocol's schema; a type this client doesn't know (the protocol grows) is ignored,
 * a known one that fails validation is reported.
 */
import WebSocket from 'ws';
import { SIGNALING_PATH, ServerMessage, type ClientMessage } from '../protocol/messages.js';

const KNOWN_TYPES = new Set<string>(ServerMessage.options.map((o) => o.shape.type.value));

export interface SignalingHandlers {
  message(message: ServerMessage): void;
  /** A message that failed validation (e.g. an SDP over the protocol's size limit), by its type. */
  invalid(type: string): void;
  closed(code: number): void;
}

export class Signaling {
  private readonly ws: WebSocket;

  private constructor(ws: WebSocket, handlers: SignalingHandlers) {
    this.ws = ws;
    ws.on('message', (data) => {
      let json: unknown;
      try {
        json = JSON.parse(String(data));
      } catch {
        return handlers.invalid('json');
      }
      const parsed = ServerMessage.safeParse(json);
      if (parsed.success) return handlers.message(parsed.data);
      const type = (json as { type?: unknown } | null)?.type;
      if (typeof type === 'string' && KNOWN_TYPES.has(type)) handlers.invalid(type);
    });
    ws.on('close', (code) => handlers.closed(code));
  }

  static async connect(baseUrl: string, handlers: SignalingHandlers): Promise<Signaling> {
    const url = new URL(SIGNALING_PATH, baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    const signaling = new Signaling(ws, handlers);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.on('error', () => {}); // 'close' follows and is handled
    return signaling;
  }

  send(message: ClientMessage): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.ws.close();
  }
}

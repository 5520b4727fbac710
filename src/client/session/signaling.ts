/**
 * The signaling WebSocket. Everything the server sends is validated with the shared schemas before
 * anyone sees it; what fails validation is logged and dropped.
 */
import { decodeMessage } from '../../protocol/decode.js';
import { SIGNALING_PATH, ServerMessage, type ClientMessage } from '../../protocol/messages.js';

export interface SignalingHandlers {
  open(): void;
  message(message: ServerMessage): void;
  /** The socket closed without us asking (not after `close()`). */
  closed(event: CloseEvent): void;
}

export function signalingUrl(): string {
  return (location.protocol === 'https:' ? 'wss:' : 'ws:') + '//' + location.host + SIGNALING_PATH;
}

const encoder = new TextEncoder();

export class SignalingChannel {
  private readonly ws: WebSocket;
  private closedByUs = false;

  constructor(url: string, handlers: SignalingHandlers) {
    this.ws = new WebSocket(url);
    this.ws.addEventListener('open', () => handlers.open());
    this.ws.addEventListener('message', (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') {
        console.warn('confab: ignoring a binary signaling frame');
        return;
      }
      const decoded = decodeMessage(ServerMessage, ev.data, encoder.encode(ev.data).byteLength);
      if (!decoded.ok) {
        console.warn(`confab: ignoring an invalid server message: ${decoded.error.code}: ${decoded.error.message}`);
        return;
      }
      handlers.message(decoded.message);
    });
    this.ws.addEventListener('close', (ev) => {
      if (!this.closedByUs) handlers.closed(ev);
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: ClientMessage): void {
    if (this.isOpen) this.ws.send(JSON.stringify(message));
  }

  close(): void {
    this.closedByUs = true;
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
  }
}

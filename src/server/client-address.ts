/** The client's address, used only to derive throttle keys; never logged or stored. */
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: IncomingMessage, trustProxy: boolean): string | undefined {
  if (trustProxy) {
    // The proxy appends the address it saw; anything to the left of it came from the client.
    const header = req.headers['x-forwarded-for'];
    const forwarded = Array.isArray(header) ? header.join(',') : header;
    const last = forwarded?.split(',').at(-1)?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress;
}

/** Bulk TCP transfer and its measurement, shared by the link test and its agent in the namespace. */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Measured {
  bytes: number;
  seconds: number;
}

/**
 * Bytes received in a window that opens `warmupMs` after the first byte (TCP's slow start and the
 * queue filling up are over by then) and lasts `windowMs`.
 */
export function receiveRate(socket: Socket, warmupMs: number, windowMs: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    let total = 0;
    let opened: { at: number; bytes: number } | undefined;
    socket.on('data', (chunk: Buffer) => {
      if (total === 0) {
        setTimeout(() => (opened = { at: performance.now(), bytes: total }), warmupMs);
        setTimeout(() => {
          socket.destroy();
          if (!opened) return reject(new Error('measurement window never opened'));
          resolve({ bytes: total - opened.bytes, seconds: (performance.now() - opened.at) / 1000 });
        }, warmupMs + windowMs);
      }
      total += chunk.length;
    });
    socket.once('error', reject);
  });
}

/** Writes as fast as the connection takes it for `ms`, then closes it. */
export function sendFor(socket: Socket, ms: number): Promise<void> {
  const chunk = Buffer.alloc(64 * 1024, 0x5a);
  const until = performance.now() + ms;
  return new Promise((resolve) => {
    socket.once('error', () => resolve()); // the receiver closing first ends the transfer too
    const pump = (): void => {
      while (performance.now() < until) {
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
      socket.destroy();
      resolve();
    };
    pump();
  });
}

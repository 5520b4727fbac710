/**
 * The big room: 50 synthetic participants (src/loadgen: real VP8 simulcast and Opus, no browser) in
 * one meeting with last-N 9, each showing nine 320x180 tiles; three speak. Reports the SFU's CPU and
 * memory per participant and the share of frozen video, from the load generator's report.
 */
import { runLoad, type LoadReport } from '../src/loadgen/run-load.js';
import { startServer } from '../tests/helpers/server.js';

export async function measureBigRoom(participants: number, seconds: number): Promise<LoadReport> {
  const server = await startServer({ CONFAB_LAST_N: '9' });
  try {
    return await runLoad({ participants, durationSeconds: seconds, tiles: 9, url: server.url, hostKey: server.hostKey, serverPid: server.pid });
  } finally {
    await server.stop();
  }
}

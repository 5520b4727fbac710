/**
 * A Confab meeting of the load generator's synthetic participants (its ParticipantPool, in this
 * thread): the real server started as in the tests, the meeting opened as `npm run load` does, and
 * every participant showing every other camera in a tile the size of the workload's clip, so the
 * SFU forwards that layer to everyone and dynacast switches the other layers off at the publisher.
 */
import { rmSync } from 'node:fs';
import { loadSamples } from '../../src/loadgen/media-samples.js';
import { createMeeting, openMeetingForLoad } from '../../src/loadgen/meeting-setup.js';
import { ParticipantPool } from '../../src/loadgen/pool.js';
import { startServer } from '../../tests/helpers/server.js';
import { delay, JOIN_INTERVAL_MS, withinJoinTimeout, type MeetingUnderTest, type Workload } from './meeting.js';

/** `options`: more server settings and Node.js flags (for a profile). */
export async function startConfabMeeting(
  w: Workload,
  placeServer: (pid: number) => void,
  options: { env?: Record<string, string>; nodeArgs?: string[] } = {},
): Promise<MeetingUnderTest> {
  const server = await startServer(
    {
      // Room for everyone and the setup connection; last-N no lower than the others' count.
      CONFAB_MAX_PARTICIPANTS: String(w.participants + 1),
      CONFAB_LAST_N: String(Math.max(16, w.participants - 1)),
      ...options.env,
    },
    options.nodeArgs,
  );
  placeServer(server.pid);
  const pool = new ParticipantPool();
  const close = async () => {
    await pool.close();
    try {
      await server.stop();
    } finally {
      rmSync(server.dataDir, { recursive: true, force: true });
    }
  };
  try {
    const meeting = await createMeeting(server.url, server.hostKey!);
    await openMeetingForLoad(server.url, meeting);
    const { width, height } = loadSamples().camera[w.layer]!;
    // Each join's outcome, caught at once: a refusal must not go unhandled while later joins wait.
    const joins: Promise<unknown>[] = [];
    for (let i = 0; i < w.participants; i++) {
      if (i > 0) await delay(JOIN_INTERVAL_MS);
      joins.push(
        pool.join({
          index: i,
          count: w.participants,
          baseUrl: server.url,
          meetingId: meeting.meetingId,
          hostSecret: i === 0 ? meeting.hostSecret : undefined,
          speaker: true,
          tiles: w.participants - 1,
          tileWidth: width,
          tileHeight: height,
        }).then(() => undefined, (err: unknown) => err),
      );
    }
    const failure = (await withinJoinTimeout(Promise.all(joins), 'Confab meeting setup')).find((e) => e !== undefined);
    if (failure) throw failure;
  } catch (err) {
    await close();
    throw err;
  }
  return {
    server: 'Confab',
    pid: server.pid,
    startWindow: () => pool.startWindow(),
    async receiveStats() {
      const { participants } = pool.stats();
      const failed = participants.find((p) => p.failure !== null);
      if (failed) throw new Error(`Confab participant ${failed.index} failed: ${failed.failure}`);
      return participants.map((p) => p.receive);
    },
    async serverForwardedPackets() {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      const m = /^confab_rtp_forwarded_packets_total (\d+)/m.exec(text);
      if (!m) throw new Error('no confab_rtp_forwarded_packets_total metric');
      return Number(m[1]);
    },
    close,
  };
}

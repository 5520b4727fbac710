/**
 * One measurement window on a running meeting: server CPU (process tree, /proc) and the RTP
 * packets that reached the subscribers, over a fixed time after a warm-up.
 */
import { performance } from 'node:perf_hooks';
import { delay, type MeetingUnderTest, type Workload } from './meeting.js';
import { machineBusySeconds, treeCpuSeconds } from './process-cpu.js';
import { receivedPackets } from './receive-counter.js';

export interface ServerFigures {
  server: MeetingUnderTest['server'];
  participants: number;
  windowSeconds: number;
  /** RTP packets (audio and video) that arrived at the subscribers, per second. */
  forwardedPerSecond: number;
  /** The server's own forwarded-packet count per second, where it keeps one. */
  serverCountedPerSecond: number | null;
  serverCpuPerSecond: number;
  microsPerPacket: number;
  /** Forwarded packets per second of server CPU: what one core forwards when busy all the time. */
  packetsPerCpuSecond: number;
  /** Frames shown per remote video per second at the subscribers (the clips run at 30 fps). */
  framesPerVideoPerSecond: number;
  freezes: number;
  /** Remote videos a subscriber watched for over 2 s in the window without one frame: a broken meeting. */
  videosNeverShown: number;
  /** Share of remote-video time the server held videos back on purpose (Confab: bandwidth, last-N). */
  heldBackShare: number;
  /** This process (the synthetic participants) over the window. */
  loadCpuPerSecond: number;
  /** Everything else the machine ran meanwhile: other people's work disturbs the figures. */
  otherCpuPerSecond: number;
  /** Bounds of the window on the monotonic clock (µs), to cut a server CPU profile to it. */
  windowMicros: { from: number; to: number };
}

const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

export async function measureWindow(meeting: MeetingUnderTest, w: Workload, warmupMs: number, windowMs: number): Promise<ServerFigures> {
  await delay(warmupMs);
  meeting.startWindow();
  const from = monotonicMicros();
  const t0 = performance.now();
  const cpu0 = treeCpuSeconds(meeting.pid);
  const load0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  const rx0 = receivedPackets();
  const counted0 = await meeting.serverForwardedPackets?.();
  await delay(windowMs); // a fixed window, not a wait for a condition
  const cpu = treeCpuSeconds(meeting.pid) - cpu0;
  const load = process.cpuUsage(load0);
  const machine = machineBusySeconds() - machine0;
  const packets = receivedPackets() - rx0;
  const counted = counted0 === undefined ? undefined : (await meeting.serverForwardedPackets!()) - counted0;
  const seconds = (performance.now() - t0) / 1000;
  const to = monotonicMicros();
  const stats = await meeting.receiveStats();
  const videos = w.participants * (w.participants - 1);
  const loadCpu = (load.user + load.system) / 1e6;
  const held = stats.reduce((a, s) => a + Object.values(s.heldBackMs).reduce((b, ms) => b + ms, 0), 0);
  return {
    server: meeting.server,
    participants: w.participants,
    windowSeconds: seconds,
    forwardedPerSecond: packets / seconds,
    serverCountedPerSecond: counted === undefined ? null : counted / seconds,
    serverCpuPerSecond: cpu / seconds,
    microsPerPacket: (cpu / packets) * 1e6,
    packetsPerCpuSecond: packets / cpu,
    framesPerVideoPerSecond: stats.reduce((a, s) => a + s.frames, 0) / videos / seconds,
    freezes: stats.reduce((a, s) => a + s.freezes, 0),
    videosNeverShown: stats.reduce((a, s) => a + s.streamsNeverShown, 0),
    heldBackShare: held / (held + stats.reduce((a, s) => a + s.observedMs, 0) || 1),
    loadCpuPerSecond: loadCpu / seconds,
    otherCpuPerSecond: Math.max(0, machine - cpu - loadCpu) / seconds,
    windowMicros: { from, to },
  };
}

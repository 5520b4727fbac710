/**
 * The link emulator does what it says: measured from real traffic between the host and an agent in
 * the namespace (tests/net/ns-agent.ts), the round-trip time follows the delay configured for each
 * direction, jitter spreads it without reordering, loss follows the loss percentage, the token
 * bucket passes exactly its rate and drops the excess, TCP gets the configured rate each way with a
 * bounded queue, and a cut drops everything until restore, after which UDP flows again and an open
 * TCP connection recovers.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../helpers/browser.js';
import { createEmulatedLink, JsonLineChild, netemUnavailable, type EmulatedLink } from '../helpers/netem.js';
import { receiveRate, sendFor, type Measured } from './transfer.js';

const AGENT = fileURLToPath(new URL('./ns-agent.ts', import.meta.url));

interface ProbeResult {
  sent: number;
  /** Round-trip times in ms of the probes that came back, in arrival order. */
  rtts: number[];
  /** performance.now() at each arrival. */
  arrivals: number[];
  /** Whether probes came back in the order they were sent. */
  inOrder: boolean;
}

const median = (xs: number[]): number => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

describe('link emulator', { skip: netemUnavailable(), timeout: 90_000 }, () => {
  let link: EmulatedLink;
  let agent: JsonLineChild;
  let agentPorts: { udpPort: number; tcpPort: number };
  const udp = createSocket('udp4');
  let run = 0;
  const listeners = new Set<(seq: number, run: number) => void>();

  before(async () => {
    // The probes are timed here and echoed by the agent. Like the emulator, both run real-time, so
    // that on a busy machine the scheduler's delays stay out of what is measured; they only wait.
    execFileSync('chrt', ['--fifo', '--pid', '5', String(process.pid)]);
    link = await createEmulatedLink();
    const started = await JsonLineChild.start(link.spawn('chrt', ['--fifo', '5', process.execPath, '--import', 'tsx', AGENT], { stdio: ['pipe', 'pipe', 'pipe'] }));
    agent = started.channel;
    agentPorts = { udpPort: Number(started.first.udpPort), tcpPort: Number(started.first.tcpPort) };
    udp.on('message', (msg) => {
      if (msg.length < 8) return;
      for (const l of listeners) l(msg.readUInt32BE(4), msg.readUInt32BE(0));
    });
    udp.bind(0);
    await once(udp, 'listening');
  });

  after(async () => {
    udp.close();
    await link?.close();
  });

  /**
   * Sends `count` UDP probes of `size` payload bytes to the agent's echo, `batch` every `everyMs`.
   * Collects echoes until all are back, or until the emulator's counters account for every probe
   * (lost or dropped there, or delivered back and read here), or at the latest `graceMs` after the
   * last send (other traffic on the link keeps the counters from adding up).
   */
  async function probe(count: number, everyMs: number, graceMs: number, batch = 1, size = 100): Promise<ProbeResult> {
    const id = ++run;
    const sentAt: number[] = [];
    const rtts: number[] = [];
    const arrivals: number[] = [];
    let lastSeq = -1;
    let inOrder = true;
    const onEcho = (seq: number, r: number): void => {
      const t = sentAt[seq];
      if (r !== id || t === undefined) return;
      arrivals.push(performance.now());
      rtts.push(arrivals[arrivals.length - 1]! - t);
      if (seq < lastSeq) inOrder = false;
      lastSeq = seq;
    };
    listeners.add(onEcho);
    try {
      const before = await link.stats();
      for (let seq = 0; seq < count; seq++) {
        const msg = Buffer.alloc(size);
        msg.writeUInt32BE(id, 0);
        msg.writeUInt32BE(seq, 4);
        sentAt[seq] = performance.now();
        udp.send(msg, agentPorts.udpPort, link.namespaceAddress);
        if ((seq + 1) % batch === 0 && seq + 1 < count) await new Promise((r) => setTimeout(r, everyMs));
      }
      const deadline = performance.now() + graceMs;
      await waitFor('probes accounted for', async () => {
        if (rtts.length === count || performance.now() > deadline) return true;
        const s = await link.stats();
        const down = (k: 'received' | 'delivered') => s.down[k] - before.down[k];
        const up = (k: 'received' | 'delivered') => s.up[k] - before.up[k];
        const settled = down('received') >= count && s.down.inFlight === 0 && s.up.inFlight === 0 && up('received') >= down('delivered') && rtts.length >= up('delivered');
        return settled ? true : undefined;
      }, graceMs + 5_000, 20);
      return { sent: count, rtts, arrivals, inOrder };
    } finally {
      listeners.delete(onEcho);
    }
  }

  test('round-trip time follows the delay of each direction', async () => {
    for (const [down, up] of [[0, 0], [50, 0], [0, 30], [50, 30]] as const) {
      await link.set({ down: { delayMs: down }, up: { delayMs: up } });
      const { sent, rtts } = await probe(50, 10, 1000);
      assert.equal(rtts.length, sent, 'no loss configured, every probe comes back');
      const configured = down + up;
      const [min, p10] = [Math.min(...rtts), quantile(rtts, 0.1)];
      console.log(`delay down ${down} ms + up ${up} ms: RTT min ${min.toFixed(2)}, 10% ${p10.toFixed(2)}, median ${median(rtts).toFixed(2)}, max ${Math.max(...rtts).toFixed(2)} ms`);
      assert.ok(min >= configured - 0.5, `no probe is faster than the configured ${configured} ms`);
      // A busy machine delays some probes in the measuring processes, never speeds one up: the
      // fast tenth shows what the link adds.
      assert.ok(p10 <= configured + 3, `10% of probes within 3 ms of the configured ${configured} ms (${p10.toFixed(2)})`);
    }
  });

  test('jitter spreads the delay but keeps the order', async () => {
    await link.set({ down: { delayMs: 40, jitterMs: 10 }, up: {} });
    // Probes 25 ms apart don't interact: their delays show the jitter's spread.
    const spaced = await probe(80, 25, 1000);
    assert.equal(spaced.rtts.length, spaced.sent);
    const [p10, p50, p90] = [0.1, 0.5, 0.9].map((q) => quantile(spaced.rtts, q)) as [number, number, number];
    console.log(`delay 40 ms ± 10 ms: RTT min ${Math.min(...spaced.rtts).toFixed(1)}, 10/50/90% ${[p10, p50, p90].map((x) => x.toFixed(1)).join(' / ')} ms`);
    // Bounds on the low side and the middle: a busy machine adds delay to some probes, never less.
    assert.ok(Math.min(...spaced.rtts) >= 29.5, 'no probe is faster than delay - jitter');
    // Uniform over 30–50 ms (plus about a millisecond of processing): 10% near 33 ms, half near 41 ms.
    assert.ok(p10 <= 36.5 && p50 <= 46, `delays spread down to 30 ms, and the middle stays near 40 ms`);
    assert.ok(p90 - p10 >= 8, `jitter is applied (10–90% spread ${(p90 - p10).toFixed(1)} ms)`);
    // Probes 2 ms apart would overtake each other with independent delays: they must not.
    const dense = await probe(100, 2, 1000);
    assert.equal(dense.rtts.length, dense.sent);
    assert.ok(dense.inOrder, 'probes came back in order');
  });

  test('loss follows the loss percentage of each direction', async () => {
    // 2000 probes: the binomial standard deviation is 0.3 points at 2% and 0.7 at 10%; the
    // tolerances below are about 4 of them, so a correct emulator fails this about never.
    for (const [down, up, tolerance] of [[2, 0, 1.2], [0, 10, 2.7]] as const) {
      await link.set({ down: { lossPercent: down }, up: { lossPercent: up } });
      // 500 probes a second: a burst would overflow a socket buffer whenever the machine is busy.
      const { sent, rtts } = await probe(2000, 20, 5_000, 10);
      const measured = (100 * (sent - rtts.length)) / sent;
      const configured = 100 - (100 - down) * (1 - up / 100);
      console.log(`loss down ${down}% up ${up}%: ${measured.toFixed(2)}% of ${sent} probes lost`);
      assert.ok(Math.abs(measured - configured) <= tolerance, `measured ${measured.toFixed(2)}% lost, configured ${configured}%`);
    }
  });

  test('the token bucket lets exactly the rate through and drops the excess at the queue', async () => {
    await link.set({ down: { rateKbps: 1000, queueMs: 100 }, up: {} });
    const before = await link.stats();
    const start = performance.now();
    // About 2 Mbit/s of 1500-byte IP packets (1472 bytes of UDP payload) for 3 s: twice the rate.
    const { sent, arrivals } = await probe(500, 30, 2_000, 5, 1472);
    // Echoes come back unlimited, so their arrivals trace the bucket; the queue is full after 0.1 s.
    const kbps = (arrivals.filter((t) => t >= start + 1000 && t < start + 3000).length * 1500 * 8) / 2 / 1000;
    const dropped = (await link.stats()).down.queueDropped - before.down.queueDropped;
    console.log(`UDP at twice 1000 kbit/s: ${kbps.toFixed(0)} kbit/s through, ${dropped} of ${sent} packets dropped at the full queue`);
    assert.ok(Math.abs(kbps - 1000) <= 30, `${kbps.toFixed(0)} kbit/s through a 1000 kbit/s bucket`);
    assert.equal(dropped + arrivals.length, sent, 'every packet either came through or was dropped at the queue');
  });

  /** A TCP server on the host side of the link; `onConnection` runs for its one connection. */
  async function hostServer<T>(onConnection: (s: Socket) => Promise<T>): Promise<{ server: Server; port: number; result: Promise<T> }> {
    let resolve!: (v: Promise<T>) => void;
    const result = new Promise<T>((r) => (resolve = r));
    const server = createServer((s) => resolve(onConnection(s)));
    server.listen(0, link.hostAddress);
    await once(server, 'listening');
    return { server, port: (server.address() as AddressInfo).port, result };
  }

  /** IP bytes per TCP payload byte: 1500-byte packets carry 1448 bytes (20 IP + 32 TCP with timestamps). */
  const wireKbps = (m: Measured): number => (m.bytes * 8 * (1500 / 1448)) / m.seconds / 1000;

  test('TCP gets the configured rate each way, and the queue stays bounded', async () => {
    const warmupMs = 1500;
    const windowMs = 3000;
    // Down: the host sends to the namespace at 1 Mbit/s, 50 ms, a 200 ms queue.
    await link.set({ down: { rateKbps: 1000, delayMs: 50, queueMs: 200 }, up: {} });
    const before = await link.stats();
    const down = await hostServer((s) => sendFor(s, warmupMs + windowMs + 1000));
    const [measured, loaded] = await Promise.all([
      agent.request<Measured>({ cmd: 'download', host: link.hostAddress, port: down.port, warmupMs, windowMs }),
      // Probes share the full queue with the download: their RTT shows the queue's bound.
      probe(Math.floor((warmupMs + windowMs) / 25), 25, 1000),
    ]);
    down.server.close();
    const afterDown = await link.stats();
    const downKbps = wireKbps(measured);
    const queueDrops = afterDown.down.queueDropped - before.down.queueDropped;
    console.log(
      `down 1000 kbit/s: TCP measured ${downKbps.toFixed(0)} kbit/s on the wire; probe RTT under load median ${median(loaded.rtts).toFixed(0)} ms, 95% ${quantile(loaded.rtts, 0.95).toFixed(0)} ms, max ${Math.max(...loaded.rtts).toFixed(0)} ms; ${queueDrops} queue drops; emulator at most ${afterDown.down.lateMaxMs.toFixed(1)} ms behind schedule`,
    );
    // The limiter never lets more through than the rate; TCP's recovery from queue drops costs a few percent.
    assert.ok(downKbps >= 880 && downKbps <= 1030, `download at ${downKbps.toFixed(0)} kbit/s, configured 1000`);
    // At most 200 ms in the queue, 50 ms on the line, a packet's serialization and processing.
    // Without a bound, TCP would fill the queue to its window: seconds, not milliseconds.
    assert.ok(quantile(loaded.rtts, 0.95) <= 50 + 200 + 25, 'packets wait no longer than the queue bound');
    assert.ok(median(loaded.rtts) >= 50 + 100, 'the download does fill the queue');

    // Up: the namespace sends to the host at 500 kbit/s, 20 ms.
    await link.set({ down: {}, up: { rateKbps: 500, delayMs: 20 } });
    const up = await hostServer((s) => receiveRate(s, warmupMs, windowMs));
    await agent.request({ cmd: 'upload', host: link.hostAddress, port: up.port, ms: warmupMs + windowMs + 1000 });
    const upKbps = wireKbps(await up.result);
    up.server.close();
    console.log(`up 500 kbit/s: TCP measured ${upKbps.toFixed(0)} kbit/s on the wire`);
    assert.ok(upKbps >= 440 && upKbps <= 515, `upload at ${upKbps.toFixed(0)} kbit/s, configured 500`);
  });

  test('a cut drops everything; restore brings UDP back and an open TCP connection recovers', async () => {
    await link.set({ down: { delayMs: 10 }, up: { delayMs: 10 } });
    const tcp = connect(agentPorts.tcpPort, link.namespaceAddress);
    let echoed = '';
    tcp.on('data', (d: Buffer) => (echoed += d.toString()));
    tcp.write('before;');
    await waitFor('TCP echo before the cut', () => (echoed === 'before;' ? true : undefined), 5_000, 20);

    const atCut = await link.cut();
    const cutProbes = await probe(20, 10, 2_000);
    assert.equal(cutProbes.rtts.length, 0, 'no probe gets through a cut link');
    // The probes did reach the emulator and were dropped there, not somewhere else.
    assert.ok((await link.stats()).down.cutDropped >= atCut.down.cutDropped + 20, 'the cut dropped the probes');
    const beforeWrite = await link.stats();
    tcp.write('during;');
    await waitFor('TCP segment dropped by the cut', async () =>
      (await link.stats()).down.cutDropped > beforeWrite.down.cutDropped ? true : undefined, 2_000, 20);
    assert.equal(echoed, 'before;', 'nothing crossed the cut');

    const restoredAt = performance.now();
    await link.restore();
    const afterProbes = await probe(20, 10, 1000);
    assert.equal(afterProbes.rtts.length, 20, 'every probe gets through after restore');
    await waitFor('TCP data sent during the cut', () => (echoed === 'before;during;' ? true : undefined), 10_000, 20);
    console.log(`cut and restore: TCP retransmission delivered the data ${(performance.now() - restoredAt).toFixed(0)} ms after restore`);
    tcp.destroy();
  });

  test('bad parameters are refused as a whole', async () => {
    await link.set({ down: { delayMs: 5 }, up: {} });
    await assert.rejects(link.set({ down: { delayMs: 7 }, up: { lossPercent: 150 } }), /bad up parameters/);
    assert.equal((await link.stats()).down.delayMs, 5, 'the valid half was not applied either');
  });
});

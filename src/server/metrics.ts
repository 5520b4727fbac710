/** Prometheus metrics: operational counts only, never names, addresses or meeting ids. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MediaStats } from '../sfu/media-plane.js';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'route' | 'status'>;
}

type WorkerLoad = MediaStats['workers'][number];

export function createMetrics(gauges: { meetings: () => number; participants: () => number; mediaPeers: () => number; media: () => Promise<MediaStats> }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, read: (stats: MediaStats) => number): void => {
    // The SFU keeps plain counters on its hot path, in each media worker; they are read only when scraped.
    new Counter({
      name,
      help,
      registers: [registry],
      async collect() {
        const stats = await gauges.media();
        this.reset();
        this.inc(read(stats));
      },
    });
  };
  counter('confab_rtp_forwarded_packets_total', 'RTP packets forwarded to subscribers', (s) => s.forwarding.forwardedPackets);
  counter('confab_rtp_received_packets_total', 'RTP packets received from publishers', (s) => s.forwarding.receivedPackets);
  counter('confab_keyframe_requests_total', 'Keyframe requests sent to publishers', (s) => s.forwarding.keyframeRequests);
  counter('confab_transport_feedback_packets_total', 'Transport-wide CC feedback packets sent', (s) => s.forwarding.transportFeedbackPackets);
  counter('confab_upgrade_probes_carried_total', 'Bandwidth probes before a layer upgrade that the link carried', (s) => s.forwarding.probesCarried);
  counter('confab_upgrade_probes_refused_total', 'Bandwidth probes before a layer upgrade that ended without it (the link overflowed, or the plan changed)', (s) => s.forwarding.probesRefused);
  counter('confab_upgrade_probes_timed_out_total', 'Bandwidth probes before a layer upgrade that proved nothing in time (no upgrade)', (s) => s.forwarding.probesTimedOut);
  counter('confab_media_worker_restarts_total', 'Media worker processes that died and were replaced', (s) => s.workerRestarts);
  // Per live media worker: its slot, and its process id (a replaced worker starts a new series).
  const labels = (w: WorkerLoad) => ({ worker: String(w.index), pid: String(w.pid) });
  const workerGauge = (name: string, help: string, read: (w: WorkerLoad) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['worker', 'pid'] as const,
      registers: [registry],
      async collect() {
        const { workers } = await gauges.media();
        this.reset();
        for (const w of workers) this.set(labels(w), read(w));
      },
    });
  };
  workerGauge('confab_media_worker_meetings', 'Meetings on each media worker', (w) => w.meetings);
  workerGauge('confab_media_worker_peers', 'Media connections on each media worker', (w) => w.peers);
  workerGauge('confab_media_worker_resident_memory_bytes', 'Resident memory of each media worker process', (w) => w.rssBytes);
  new Counter({
    name: 'confab_media_worker_cpu_seconds_total',
    help: 'CPU time (user and system) of each media worker process',
    labelNames: ['worker', 'pid'] as const,
    registers: [registry],
    async collect() {
      const { workers } = await gauges.media();
      this.reset();
      for (const w of workers) this.inc(labels(w), w.cpuSeconds);
    },
  });
  new Gauge({ name: 'confab_meetings_active', help: 'Meetings with media running', registers: [registry], collect() { this.set(gauges.meetings()); } });
  new Gauge({ name: 'confab_participants', help: 'Open signaling connections (in meetings or lobbies)', registers: [registry], collect() { this.set(gauges.participants()); } });
  new Gauge({ name: 'confab_media_peers', help: 'Media connections to the SFU (admitted participants)', registers: [registry], collect() { this.set(gauges.mediaPeers()); } });
  const httpRequests = new Histogram({
    name: 'confab_http_request_duration_seconds',
    help: 'HTTP requests by route',
    labelNames: ['route', 'status'] as const,
    registers: [registry],
  });
  return { registry, httpRequests };
}

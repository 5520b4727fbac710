/** Prometheus metrics: operational counts only, never names, addresses or meeting ids. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { forwardingStats } from '../sfu/forwarding-stats.js';

export interface Metrics {
  registry: Registry;
  httpRequests: Histogram<'route' | 'status'>;
}

export function createMetrics(gauges: { meetings: () => number; participants: () => number; mediaPeers: () => number }): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const counter = (name: string, help: string, read: () => number): void => {
    // The SFU keeps plain counters on its hot path; they are copied out only when scraped.
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        this.reset();
        this.inc(read());
      },
    });
  };
  counter('confab_rtp_forwarded_packets_total', 'RTP packets forwarded to subscribers', () => forwardingStats.forwardedPackets);
  counter('confab_rtp_received_packets_total', 'RTP packets received from publishers', () => forwardingStats.receivedPackets);
  counter('confab_keyframe_requests_total', 'Keyframe requests sent to publishers', () => forwardingStats.keyframeRequests);
  counter('confab_transport_feedback_packets_total', 'Transport-wide CC feedback packets sent', () => forwardingStats.transportFeedbackPackets);
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

/**
 * Process-wide media-plane counters, read by /metrics and the benchmark. Plain numbers, so the
 * hot path only increments.
 */
export const forwardingStats = {
  /** RTP packets handed to a subscriber's sender. */
  forwardedPackets: 0,
  /** RTP packets received from publishers. */
  receivedPackets: 0,
  /** Keyframe requests (PLI) sent to publishers. */
  keyframeRequests: 0,
  /** Transport-wide congestion-control feedback packets sent. */
  transportFeedbackPackets: 0,
};

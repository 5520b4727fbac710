/**
 * RTP packets that arrive at the synthetic subscribers of this thread, Confab's and Janus's alike:
 * counted where both hand them on, the load generator's Subscriber (onVideo per video packet after
 * RTX is unwrapped, onAudio per audio packet). The load generator reports frames and audio packets
 * but not video packets, so the bench wraps those two methods once.
 */
import { Subscriber } from '../../src/loadgen/subscriber.js';

let packets = 0;
let installed = false;

export function receivedPackets(): number {
  if (!installed) {
    installed = true;
    const proto = Subscriber.prototype;
    const { onVideo, onAudio } = proto;
    proto.onVideo = function (this: Subscriber, ...args: Parameters<Subscriber['onVideo']>) {
      packets++;
      onVideo.apply(this, args);
    };
    proto.onAudio = function (this: Subscriber) {
      packets++;
      onAudio.apply(this);
    };
  }
  return packets;
}

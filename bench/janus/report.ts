/** The Janus side-by-side benchmark's figures as text for the terminal. */
import { loadSamples } from '../../src/loadgen/media-samples.js';
import type { JanusBenchResult, SideBySide } from './compare.js';
import type { ServerFigures } from './measure.js';

const int = (n: number) => Math.round(n).toLocaleString('en');
const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;

const HEADER =
  'server  forwarded pkt/s  server CPU s/s  µs CPU per packet  pkt per CPU-s  frames/s per video  freezes  never shown  held back  participants CPU s/s  other CPU s/s';

function row(f: ServerFigures): string {
  return [
    f.server.padEnd(6),
    int(f.forwardedPerSecond).padStart(15),
    f.serverCpuPerSecond.toFixed(3).padStart(14),
    f.microsPerPacket.toFixed(1).padStart(17),
    int(f.packetsPerCpuSecond).padStart(13),
    f.framesPerVideoPerSecond.toFixed(1).padStart(18),
    String(f.freezes).padStart(7),
    String(f.videosNeverShown).padStart(11),
    pct(f.heldBackShare).padStart(9),
    f.loadCpuPerSecond.toFixed(3).padStart(20),
    f.otherCpuPerSecond.toFixed(3).padStart(13),
  ].join('  ');
}

/** What makes a row describe something other than the intended workload on a quiet machine. */
function problems(f: ServerFigures, framesPerSecond: number): string[] {
  const found: string[] = [];
  if (f.otherCpuPerSecond > 0.25) found.push(`other work on the machine took ${f.otherCpuPerSecond.toFixed(2)} CPU s/s`);
  if (f.heldBackShare > 0.01) found.push(`${pct(f.heldBackShare).trim()} of video held back`);
  if (f.framesPerVideoPerSecond < 0.9 * framesPerSecond) found.push(`${f.framesPerVideoPerSecond.toFixed(1)} of ${framesPerSecond} frames/s per video`);
  if (f.videosNeverShown > 0) found.push(`${f.videosNeverShown} videos never shown`);
  return found.length === 0 ? [] : [`  not as intended, ${f.server}: ${found.join('; ')}`];
}

function table(title: string, s: SideBySide): string[] {
  const clip = loadSamples().camera[s.workload.layer]!;
  const counted = s.confab.serverCountedPerSecond;
  return [
    `${title}: ${s.workload.participants} participants, each sending VP8 ${clip.width}×${clip.height} (one layer, ${clip.framesPerSecond} fps) and Opus, each receiving all others`,
    HEADER,
    row(s.confab),
    row(s.janus),
    ...problems(s.confab, clip.framesPerSecond),
    ...problems(s.janus, clip.framesPerSecond),
    `Confab/Janus: ${s.ratio.toFixed(2)}× the server CPU per forwarded packet` +
      (counted === null ? '' : ` (Confab's own counter: ${int(counted)} pkt/s forwarded; the subscribers' count includes retransmissions)`),
  ];
}

export function formatJanusBench(r: JanusBenchResult | { skipped: string }): string {
  if ('skipped' in r) return `\nConfab vs Janus: skipped. ${r.skipped}`;
  const o = r.options;
  const p = r.profile;
  return [
    `\nConfab vs Janus 1.1.2 (VideoRoom): the same synthetic participants (src/loadgen media) against each server in turn,`,
    `${o.windowMs / 1000} s windows after ${o.warmupMs / 1000} s warm-up; ${r.placement}; Janus's media on ${r.janusMediaAddress} (it gathers no loopback candidates).`,
    `Forwarded packets are counted at the subscribers for both; server CPU is the process tree's from /proc. "never shown": remote videos`,
    `without a frame for the whole window; "held back": video time the SFU paused on purpose (bandwidth, last-N); "other CPU": the rest of`,
    `the machine meanwhile (other work on it makes the figures unreliable).`,
    '',
    ...table('Same workload', r.comparable),
    '',
    ...table('Saturation', r.saturation),
    `Forwarded packets per second per server core at saturation (packets per CPU-second at this load; the server core was busy` +
      ` ${pct(r.saturation.confab.serverCpuPerSecond).trim()} for Confab, ${pct(r.saturation.janus.serverCpuPerSecond).trim()} for Janus):` +
      ` Confab ${int(r.saturation.confab.packetsPerCpuSecond)}, Janus ${int(r.saturation.janus.packetsPerCpuSecond)}`,
    '',
    `Where Confab's server CPU goes (--cpu-prof, same workload, media in the server process, ${p.busySeconds.toFixed(1)} CPU s in the window):`,
    ...p.byArea.map((e) => `  ${pct(e.share)}  ${e.name}`),
    'Top 10 functions by self time:',
    ...p.top.map((e) => `  ${pct(e.share)}  ${e.name}`),
  ].join('\n');
}

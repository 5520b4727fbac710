/**
 * The media every synthetic participant sends, read once per thread from src/loadgen/samples
 * (made by scripts/make-load-samples.sh): the camera clip in three simulcast sizes, lowest first
 * like SIMULCAST_RIDS, already split into RTP-sized slices, and the microphone's Opus packets.
 */
import { readFileSync } from 'node:fs';
import { LAYER_COUNT } from '../protocol/simulcast.js';
import { parseIvf } from './ivf.js';
import { parseOggOpus } from './ogg-opus.js';
import { sliceFrame } from './vp8-payload.js';

export const SAMPLES_DIR = new URL('./samples/', import.meta.url);
const CAMERA_FILES = ['camera-320x180.ivf', 'camera-640x360.ivf', 'camera-1280x720.ivf'];
/** The layer sent when the SFU offers no simulcast: the middle size, as a browser would send. */
export const SINGLE_LAYER = 1;
/** 20 ms Opus packets at 48 kHz. */
export const OPUS_PACKET_SAMPLES = 960;

export interface VideoClip {
  width: number;
  height: number;
  framesPerSecond: number;
  frames: { slices: Buffer[]; keyframe: boolean }[];
  /** For each frame index, the index of the first keyframe at or after it (wrapping around). */
  nextKeyframe: number[];
}

export interface Samples {
  camera: VideoClip[];
  microphone: Buffer[];
}

export function videoClip(ivf: Buffer): VideoClip {
  const { width, height, framesPerSecond, frames } = parseIvf(ivf);
  const nextKeyframe = new Array<number>(frames.length);
  let next = 0; // frame 0 is a keyframe (parseIvf checks), which is where the loop wraps to
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i]!.keyframe) next = i;
    nextKeyframe[i] = next;
  }
  return { width, height, framesPerSecond, frames: frames.map((f) => ({ slices: sliceFrame(f.data), keyframe: f.keyframe })), nextKeyframe };
}

let cached: Samples | undefined;

export function loadSamples(): Samples {
  if (cached) return cached;
  const camera = CAMERA_FILES.map((name) => videoClip(readFileSync(new URL(name, SAMPLES_DIR))));
  if (camera.length !== LAYER_COUNT || camera.some((c) => c.framesPerSecond !== camera[0]!.framesPerSecond)) {
    throw new Error('camera samples must be one clip per simulcast layer, at one frame rate');
  }
  const opus = parseOggOpus(readFileSync(new URL('microphone.ogg', SAMPLES_DIR)));
  // The audio stream's timestamps assume 20 ms packets throughout.
  if (opus.samples.some((s) => s !== OPUS_PACKET_SAMPLES)) throw new Error('microphone sample must be 20 ms Opus packets');
  cached = { camera, microphone: opus.packets };
  return cached;
}

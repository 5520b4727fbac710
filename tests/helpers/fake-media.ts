/**
 * Media files for Chromium's fake capture devices. Its built-in camera pattern compresses so well
 * that VP8 never needs more than a few hundred kbit/s, so a test of bandwidth estimation needs
 * richer video: a moving gradient with fine sensor-like noise. At a low bitrate the encoder
 * quantizes the noise away (so its rate control still works); given bandwidth, it spends it.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';

export async function noiseVideo(width = 640, height = 360, frames = 30, amplitude = 12): Promise<string> {
  const file = join(tmpdir(), `confab-noise-${width}x${height}-${frames}-${amplitude}.y4m`);
  if (existsSync(file)) return file;
  const out = createWriteStream(file);
  out.write(`YUV4MPEG2 W${width} H${height} F30:1 Ip A1:1 C420jpeg\n`);
  let state = 0x2545f491; // xorshift32: deterministic, fast
  const luma = width * height;
  for (let f = 0; f < frames; f++) {
    const frame = Buffer.alloc((luma * 3) / 2, 128); // grey chroma
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const base = 40 + ((x + y + f * 8) % 176);
        frame[y * width + x] = base + ((state >>> 24) % (2 * amplitude + 1)) - amplitude;
      }
    }
    out.write('FRAME\n');
    out.write(frame);
  }
  out.end();
  await finished(out);
  return file;
}

/**
 * Media files for Chromium's fake capture devices. Its built-in camera pattern compresses so well
 * that VP8 never needs more than a few hundred kbit/s, so a test of bandwidth estimation needs
 * richer video: a moving gradient with fine sensor-like noise. At a low bitrate the encoder
 * quantizes the noise away (so its rate control still works); given bandwidth, it spends it.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
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

/**
 * WAV files for `--use-file-for-fake-audio-capture` (Chromium loops them): a speaker, or silence.
 * The fake microphone's own beep would otherwise make everyone a speaker now and then. The voice is
 * speech-like (a gliding harmonic buzz in syllables with pauses) because the browser's noise
 * suppression learns a steady tone as noise and fades it out.
 */
export async function voiceWav(kind: 'speech' | 'silence'): Promise<string> {
  const file = join(tmpdir(), `confab-${kind}.wav`);
  if (existsSync(file)) return file;
  const rate = 48_000;
  const samples = rate * 3;
  const data = Buffer.alloc(samples * 2);
  let phase = 0;
  for (let i = 0; kind === 'speech' && i < samples; i++) {
    const t = i / rate;
    const f0 = 150 + 30 * Math.sin(2 * Math.PI * 0.7 * t);
    phase += (2 * Math.PI * f0) / rate;
    let v = 0;
    for (let k = 1; k <= 10; k++) v += Math.sin(k * phase) / k;
    const inSyllable = (t % 0.3) / 0.25; // 250 ms of voice, then 50 ms of pause
    const envelope = inSyllable < 1 ? Math.sin(Math.PI * inSyllable) : 0;
    data.writeInt16LE(Math.round(0.35 * envelope * v * 32767), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16); // fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28); // bytes per second
  header.writeUInt16LE(2, 32); // bytes per frame
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  await writeFile(file, Buffer.concat([header, data]));
  return file;
}

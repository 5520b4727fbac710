import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SAMPLES_DIR } from './media-samples.js';
import { opusPacketSamples, parseOggOpus } from './ogg-opus.js';

/** An Ogg page (RFC 3533) with these lacing values and body; no CRC, which the parser ignores. */
function rawPage(lacing: number[], body: Buffer, continued = false): Buffer {
  const header = Buffer.alloc(27);
  header.write('OggS', 0, 'latin1');
  header[5] = continued ? 1 : 0;
  header[26] = lacing.length;
  return Buffer.concat([header, Buffer.from(lacing), body]);
}

/** A page holding whole packets. */
function page(packets: Buffer[]): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    for (let left = p.length; left >= 0; left -= 255) lacing.push(Math.min(255, left));
  }
  return rawPage(lacing, Buffer.concat(packets));
}

const head = Buffer.concat([Buffer.from('OpusHead', 'latin1'), Buffer.alloc(11)]);
const tags = Buffer.from('OpusTags', 'latin1');

test('Opus packets are read from Ogg pages, headers skipped, long packets joined from 255-byte laces', () => {
  const long = Buffer.alloc(600, 0x7a);
  long[0] = 0xfc; // CELT 20 ms, one frame
  const short = Buffer.of(0x08, 1, 2); // SILK 20 ms, one frame
  const clip = parseOggOpus(Buffer.concat([page([head]), page([tags]), page([long, short])]));
  assert.deepEqual(clip.packets.map((p) => p.length), [600, 3]);
  assert.deepEqual(clip.packets[0], long);
  assert.deepEqual(clip.samples, [960, 960]);
});

test('a packet may continue on the next page', () => {
  const long = Buffer.alloc(300, 0x01);
  long[0] = 0xfc;
  // The first page ends with a full 255 lace, so the packet goes on on the next page.
  const first = rawPage([255], long.subarray(0, 255));
  const second = rawPage([45], long.subarray(255), true);
  const clip = parseOggOpus(Buffer.concat([page([head]), page([tags]), first, second]));
  assert.deepEqual(clip.packets, [long]);
});

test('TOC bytes give the packet duration (RFC 6716 3.1)', () => {
  assert.equal(opusPacketSamples(Uint8Array.of(0x08)), 960); // SILK NB 20 ms
  assert.equal(opusPacketSamples(Uint8Array.of(0x18)), 2880); // SILK NB 60 ms
  assert.equal(opusPacketSamples(Uint8Array.of(0x78)), 960); // hybrid FB 20 ms
  assert.equal(opusPacketSamples(Uint8Array.of(0xf8)), 960); // CELT FB 20 ms
  assert.equal(opusPacketSamples(Uint8Array.of(0xe0)), 120); // CELT 2.5 ms
  assert.equal(opusPacketSamples(Uint8Array.of(0xf9)), 1920); // two frames
  assert.equal(opusPacketSamples(Uint8Array.of(0xfb, 0x03)), 2880); // code 3: three frames
  assert.throws(() => opusPacketSamples(new Uint8Array()));
});

test('a file that is not Ogg Opus is refused', () => {
  assert.throws(() => parseOggOpus(Buffer.from('RIFF....WAVE')), /no Ogg page/);
  assert.throws(() => parseOggOpus(Buffer.concat([page([Buffer.from('Vorbis')]), page([tags])])), /not carry Opus/);
});

test('the shipped microphone sample is 3 s of 20 ms packets', () => {
  const clip = parseOggOpus(readFileSync(new URL('microphone.ogg', SAMPLES_DIR)));
  assert.ok(clip.samples.every((s) => s === 960));
  assert.ok(clip.packets.length >= 149 && clip.packets.length <= 152, String(clip.packets.length));
});

/**
 * The E2EE worker: every RTCRtpScriptTransform of the page runs here, so keys never sit in the
 * page's main thread longer than it takes to post them. Frames go through a TransformStream one at
 * a time, in order.
 */
import type { Bytes } from './encoding.js';
import { FrameCryptor } from './frame-cryptor.js';
import type { FromWorker, ToWorker, TransformOptions } from './worker-protocol.js';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cryptor = new FrameCryptor();

scope.onrtctransform = (event: RTCTransformEvent) => {
  const transformer = event.transformer;
  const options = transformer.options as TransformOptions;
  const transform = new TransformStream<RTCEncodedVideoFrame | RTCEncodedAudioFrame, RTCEncodedVideoFrame | RTCEncodedAudioFrame>({
    async transform(frame, controller) {
      const data = new Uint8Array(frame.data) as Bytes;
      const out =
        options.side === 'send'
          ? await cryptor.encrypt(options.kind, 'type' in frame && frame.type === 'key', data)
          : await cryptor.decrypt(options.mid, data);
      if (!out) return;
      frame.data = out.buffer.byteLength === out.length ? out.buffer : out.slice().buffer;
      controller.enqueue(frame);
    },
  });
  transformer.readable.pipeThrough(transform).pipeTo(transformer.writable).catch(() => undefined);
};

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'sender-key':
      void cryptor.setSenderKey(m.keyId, new Uint8Array(m.key));
      return;
    case 'receiver-key':
      void cryptor.setReceiverKey(m.participantId, m.keyId, new Uint8Array(m.key));
      return;
    case 'forget':
      cryptor.forget(m.participantId);
      return;
    case 'owners':
      cryptor.setOwners(m.owners);
      return;
    case 'encrypting':
      cryptor.encrypting = m.encrypting;
      return;
    case 'sample':
      cryptor.sample(m.frames);
      return;
    case 'stats': {
      const reply: FromWorker = { type: 'stats', requestId: m.requestId, stats: cryptor.snapshot() };
      scope.postMessage(reply);
      return;
    }
  }
};

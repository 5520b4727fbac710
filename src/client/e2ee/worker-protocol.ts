/** Messages between the main thread (FrameWorker) and the encoded-transform worker. */

export type ToWorker =
  | { type: 'sender-key'; keyId: number; key: ArrayBuffer }
  | { type: 'receiver-key'; participantId: string; keyId: number; key: ArrayBuffer }
  | { type: 'forget'; participantId: string }
  /** Which participant each receiving mid carries now (from the latest offer). */
  | { type: 'owners'; owners: [mid: string, participantId: string][] }
  /** False only in a meeting the host opened to browsers without E2EE, while one is present. */
  | { type: 'encrypting'; encrypting: boolean }
  | { type: 'stats'; requestId: number }
  /** Keep a copy of the next `frames` outgoing plaintext frames' first bytes (for tests). */
  | { type: 'sample'; frames: number };

export type FromWorker = { type: 'stats'; requestId: number; stats: FrameStats };

/** Options given to each RTCRtpScriptTransform. */
export type TransformOptions = { side: 'send'; kind: 'audio' | 'video' } | { side: 'receive'; kind: 'audio' | 'video'; mid: string };

export interface FrameSample {
  kind: 'audio' | 'video';
  clearBytes: number;
  /** Hex of the plaintext frame's first 64 bytes. */
  hex: string;
}

export interface FrameStats {
  encrypted: number;
  decrypted: number;
  /** Frames sent or accepted unencrypted (only while not encrypting). */
  clear: number;
  /** Dropped: no key for that sender / key id yet. */
  noKey: number;
  /** Dropped: did not authenticate. */
  failed: number;
  /**
   * Milliseconds frames spent being encrypted / decrypted, summed: the delay E2EE adds (WebCrypto
   * is asynchronous, so this includes its hop to the crypto thread and back).
   */
  encryptMillis: number;
  decryptMillis: number;
  senderKeyId: number | null;
  /** Newest key id held per remote participant. */
  receiverKeyIds: Record<string, number>;
  samples: FrameSample[];
}

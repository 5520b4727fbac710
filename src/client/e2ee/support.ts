/**
 * Whether this browser can take part in an end-to-end encrypted meeting: encoded transforms in a
 * worker (RTCRtpScriptTransform) and X25519 in WebCrypto.
 */
let answer: Promise<boolean> | null = null;

export function e2eeSupported(): Promise<boolean> {
  answer ??= probe();
  return answer;
}

async function probe(): Promise<boolean> {
  if (typeof RTCRtpScriptTransform !== 'function' || !globalThis.crypto?.subtle) return false;
  try {
    await crypto.subtle.generateKey({ name: 'X25519' }, false, ['deriveBits']);
    return true;
  } catch {
    return false;
  }
}

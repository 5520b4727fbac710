/**
 * Where a synthetic participant's werift (0.24.4, pinned) is changed to behave like a browser's
 * WebRTC stack, so that what the load run measures is the SFU and not werift's client side.
 * Applied to werift's classes for this process only (the server is another process); imported by
 * peer.ts. Each one is worth checking on a werift upgrade.
 */
import { DtlsClient, RTCCertificate, RTCDtlsTransport, RTCPeerConnection, StunProtocol } from 'werift';

/**
 * werift parses its DTLS certificate (PEM, ASN.1) again for every m-line of every offer and
 * answer to print the same fingerprint: at 100 m-lines about 80 % of createAnswer's CPU time, and
 * a synthetic participant answers an offer on every join. A certificate's fingerprints never change.
 */
const fingerprints = new WeakMap<RTCCertificate, ReturnType<RTCCertificate['getFingerprints']>>();
const getFingerprints = RTCCertificate.prototype.getFingerprints;
RTCCertificate.prototype.getFingerprints = function (this: RTCCertificate) {
  let f = fingerprints.get(this);
  if (!f) fingerprints.set(this, (f = getFingerprints.call(this)));
  return f;
};

/**
 * werift starts ICE checks and the DTLS handshake again (connect()) on every answer it sets until
 * DTLS is up, so offers that arrive while the first connection is still being made (every join
 * renegotiates) run several at once. They share one queue of check-list results: one gets the
 * success, another waits for a later failure and then marks the whole connection failed. A browser
 * makes one connection; so does this: a connect while one runs joins it.
 */
type Connectable = { connect(): Promise<void> };
const connecting = new WeakMap<object, Promise<void>>();
const connect = (RTCPeerConnection.prototype as unknown as Connectable).connect;
(RTCPeerConnection.prototype as unknown as Connectable).connect = function (this: object) {
  let running = connecting.get(this);
  if (!running) {
    running = connect.call(this).finally(() => connecting.delete(this));
    connecting.set(this, running);
  }
  return running;
};

/**
 * When the SFU is slow to see our ClientHello with its cookie, it sends its HelloVerifyRequest
 * again. werift's DTLS client throws on a second one and fails the handshake; RFC 6347 4.2.4 has a
 * client simply go on (its own flight is already being retransmitted), as browsers do.
 */
const HELLO_VERIFY_REQUEST = 3;
const HELLO_VERIFY_FLIGHT = 3;
type Handshakes = { msg_type: number }[];
type DtlsSocketInternals = { dtls: { flight: number }; onHandleHandshakes: (h: Handshakes) => Promise<void> };
const start = RTCDtlsTransport.prototype.start;
RTCDtlsTransport.prototype.start = function (this: RTCDtlsTransport) {
  const started = start.call(this); // creates the DTLS socket before its first await
  if (this.dtls instanceof DtlsClient) {
    const socket = this.dtls as unknown as DtlsSocketInternals;
    const handle = socket.onHandleHandshakes;
    socket.onHandleHandshakes = (handshakes) =>
      socket.dtls.flight >= HELLO_VERIFY_FLIGHT && handshakes.every((h) => h.msg_type === HELLO_VERIFY_REQUEST) ? Promise.resolve() : handle(handshakes);
  }
  return started;
};

/**
 * werift gives an ICE connectivity check 4 retransmissions from a 50 ms timeout: if the other side
 * has not answered within about 1.5 s the pair fails, and with it the connection. An SFU busy with a
 * round of renegotiations is slower than that now and then; browsers keep checking for tens of
 * seconds (RFC 5389's 7 tries from 500 ms). Checks get 9 retransmissions here, about 50 s in all.
 * (Consent checks pass an options object and keep their own timing.)
 */
const WERIFT_CHECK_RETRANSMISSIONS = 4;
const CHECK_RETRANSMISSIONS = 9;
type StunRequest = (this: StunProtocol, ...args: unknown[]) => Promise<unknown>;
const request = StunProtocol.prototype.request as unknown as StunRequest;
(StunProtocol.prototype as unknown as { request: StunRequest }).request = function (this: StunProtocol, ...args: unknown[]) {
  if (args[3] === WERIFT_CHECK_RETRANSMISSIONS) args[3] = CHECK_RETRANSMISSIONS;
  return request.apply(this, args);
};

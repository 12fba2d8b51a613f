import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * How a receiver knows a request came from DriftWatch and is fresh (the Stripe scheme):
 *   X-DriftWatch-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">
 * The timestamp is inside the MAC, so an old request replayed with a new timestamp fails
 * the check, and one replayed as it was is refused once it is older than the tolerance.
 * Within the tolerance a receiver dedupes by X-DriftWatch-Delivery.
 */
export const SIGNATURE_HEADER = 'X-DriftWatch-Signature';
export const EVENT_HEADER = 'X-DriftWatch-Event';
export const DELIVERY_HEADER = 'X-DriftWatch-Delivery';

export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

function mac(body: string, secret: string, timestampSeconds: number): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

export function signatureHeader(body: string, secret: string, timestampSeconds: number): string {
  return `t=${timestampSeconds},v1=${mac(body, secret, timestampSeconds)}`;
}

export type SignatureCheck = { valid: true } | { valid: false; reason: string };

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/**
 * The receiver's check, self-contained so it can be copied into a receiver. Several v1=
 * values are accepted (a sender rotating its key may sign with both); the comparison takes
 * the same time whatever the bytes, so a forger learns nothing from how fast it fails.
 */
export function verifySignature(body: string, header: string | undefined, secret: string, nowSeconds: number, toleranceSeconds = DEFAULT_SIGNATURE_TOLERANCE_SECONDS): SignatureCheck {
  if (header === undefined || header === '') return { valid: false, reason: `no ${SIGNATURE_HEADER} header` };
  const parts = header.split(',').map((part) => part.trim().split('='));
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value ?? '');
  const signatures = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (timestamps.length !== 1 || !/^(0|[1-9]\d{0,11})$/.test(timestamps[0] as string)) return { valid: false, reason: 'no single t=<unix seconds> in the header' };
  if (signatures.length === 0) return { valid: false, reason: 'no v1= signature in the header' };
  const timestamp = Number(timestamps[0]);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) return { valid: false, reason: `timestamp ${timestamp} is more than ${toleranceSeconds} s from now (${nowSeconds}): a replay or a wrong clock` };
  const expected = Buffer.from(mac(body, secret, timestamp), 'hex');
  const matches = signatures.filter((signature) => HEX_SHA256.test(signature) && timingSafeEqual(Buffer.from(signature, 'hex'), expected));
  return matches.length > 0 ? { valid: true } : { valid: false, reason: 'the signature does not match the body (another key, or a changed body)' };
}

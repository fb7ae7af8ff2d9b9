import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../../errors';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Checks PagerDuty's `X-PagerDuty-Signature` header (`v1=<hex>[,v1=<hex>…]`, one entry per active secret)
 * against HMAC-SHA256 of the exact raw body. Passes when any v1 entry matches any secret; entries with other
 * prefixes are skipped. Comparison is constant-time.
 */
export function verifySignature(raw: Buffer, header: string | undefined, secrets: readonly string[]): void {
  if (!header || header.trim() === '') throw new SignatureError('signature missing: the delivery has no X-PagerDuty-Signature (PAGERDUTY_SIGNATURE / --signature)');
  const given = header
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('v1='))
    .map((entry) => entry.slice(3))
    .filter((hex) => HEX_SHA256.test(hex))
    .map((hex) => Buffer.from(hex, 'hex'));
  if (given.length === 0) throw new SignatureError('signature malformed: no v1=<64 hex digits> entry in X-PagerDuty-Signature');
  for (const secret of secrets) {
    const expected = createHmac('sha256', Buffer.from(secret, 'utf8')).update(raw).digest();
    for (const signature of given) if (signature.length === expected.length && timingSafeEqual(signature, expected)) return;
  }
  throw new SignatureError(`signature mismatch: none of the ${given.length} v1 signature(s) matches a configured webhook secret`);
}

/**
 * Whether the body is what the webhook daemon's `entire-payload` makes of a delivery: Go's JSON encoding of the
 * parsed body (compact, keys sorted at every level, `<`, `>` and `&` escaped), which no signature can match.
 */
export function looksReserialised(raw: Buffer, parsed: unknown): boolean {
  const goStyle = JSON.stringify(sortKeys(parsed)).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return raw.toString('utf8').trim() === goStyle;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]));
}

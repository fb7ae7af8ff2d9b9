import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../../errors';

/**
 * Grafana's optional HMAC-SHA256 signature (lowercase hex, no prefix) over the raw body, or over
 * `"<unix seconds>:" + body` when a timestamp header is configured; then the timestamp must be recent.
 */
export function verifyGrafanaSignature(raw: Buffer, signature: string | undefined, timestamp: string | undefined, secrets: readonly string[], maxAgeMs: number, now: number): void {
  if (!signature || signature.trim() === '') throw new SignatureError('signature missing: the delivery has no X-Grafana-Alerting-Signature (the hook passes it as GRAFANA_SIGNATURE)');
  const given = signature.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(given)) throw new SignatureError('signature malformed: X-Grafana-Alerting-Signature must be 64 hex digits');
  let signed: Buffer = raw;
  if (timestamp !== undefined && timestamp.trim() !== '') {
    if (!/^\d{1,12}$/.test(timestamp.trim())) throw new SignatureError('signature timestamp malformed: it must be Unix seconds');
    const age = Math.abs(now - Number(timestamp.trim()) * 1000);
    if (age > maxAgeMs) throw new SignatureError(`signature too old: its timestamp is ${Math.round(age / 1000)} s away from now, more than the ${maxAgeMs / 1000} s allowed (sources.grafana.max_age_seconds)`);
    signed = Buffer.concat([Buffer.from(`${timestamp.trim()}:`), raw]);
  }
  const expectedFor = (secret: string) => createHmac('sha256', Buffer.from(secret, 'utf8')).update(signed).digest();
  const actual = Buffer.from(given, 'hex');
  if (!secrets.some((secret) => timingSafeEqual(actual, expectedFor(secret)))) throw new SignatureError('signature mismatch: X-Grafana-Alerting-Signature matches none of sources.grafana.webhook_secrets');
}

import type { SourceId } from './source';

/**
 * The source whose deliveries have the shape of `raw`, for a sample given to `check --route` without `--source`:
 * each sender's body has fields no other has. Undefined when it looks like none of them.
 */
export function recogniseSource(raw: Buffer): SourceId | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const b = body as Record<string, unknown>;
  const isObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (Array.isArray(b.messages) || (isObject(b.event) && typeof (b.event as Record<string, unknown>).event_type === 'string')) return 'pagerduty';
  if (isObject(b.alert) && typeof b.action === 'string') return 'opsgenie';
  // Grafana's unified alerting sends version "1" and its org; its legacy format has rule fields instead.
  if ((b.version === '1' && ('orgId' in b || 'groupKey' in b)) || 'ruleName' in b || 'evalMatches' in b) return 'grafana';
  if (typeof b.groupKey === 'string' && Array.isArray(b.alerts)) return 'alertmanager';
  return undefined;
}

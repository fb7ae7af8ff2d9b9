import type { AlertState } from '../incident/incident-event';
import type { LedgerAlert } from '../incident/timeline-record';
import type { AlertChanges } from '../render/timeline';

/** The alerts a ledger keeps per channel; resolved ones go first when there are more. */
export const MAX_LEDGER_ALERTS = 500;

/**
 * What a group's message changes against the alerts the channel reported: alerts new to it (or firing again,
 * with a new start), alerts now resolved. An alert absent from the message is not thereby resolved (it may be
 * silenced, or cut by the sender); a firing message for an alert already reported resolved, with the same
 * start, is late and changes nothing.
 */
export function alertChanges(known: Readonly<Record<string, LedgerAlert>>, alerts: readonly AlertState[], truncated: number): { changes: AlertChanges; next: Record<string, LedgerAlert> } {
  const next: Record<string, LedgerAlert> = { ...known };
  const added: AlertState[] = [];
  const resolved: AlertState[] = [];
  for (const alert of alerts) {
    const before = next[alert.fingerprint];
    const sameEpisode = before !== undefined && before.a === alert.startsAt;
    if (alert.status === 'firing') {
      if (sameEpisode) continue;
      if (before && Date.parse(alert.startsAt) < Date.parse(before.a)) continue;
      added.push(alert);
      next[alert.fingerprint] = { s: 'firing', a: alert.startsAt };
    } else {
      if (sameEpisode && before.s === 'resolved') continue;
      if (before && !sameEpisode && Date.parse(alert.startsAt) < Date.parse(before.a)) continue;
      // An alert first seen resolved is recorded, but there is nothing of it to report.
      if (before) resolved.push(alert);
      next[alert.fingerprint] = { s: 'resolved', a: alert.startsAt, ...(alert.endsAt ? { e: alert.endsAt } : {}) };
    }
  }
  const firing = Object.values(next).filter((a) => a.s === 'firing').length;
  return { changes: { added, resolved, firing, truncated }, next: bounded(next) };
}

function bounded(alerts: Record<string, LedgerAlert>): Record<string, LedgerAlert> {
  const entries = Object.entries(alerts);
  if (entries.length <= MAX_LEDGER_ALERTS) return alerts;
  const keep = [...entries.filter(([, a]) => a.s === 'firing'), ...entries.filter(([, a]) => a.s === 'resolved').sort((x, y) => Date.parse(y[1].a) - Date.parse(x[1].a))];
  return Object.fromEntries(keep.slice(0, MAX_LEDGER_ALERTS));
}

import { EMPTY_LEDGER, type Ledger, type LedgerAlert, MAX_LEDGER_EVENTS, MAX_LEDGER_INVITED, type Mark, type TimelineRecord } from '../incident/timeline-record';

const time = (mark: { occurred_at: string } | undefined) => (mark ? Date.parse(mark.occurred_at) : Number.NaN);

/** The ledger after one more record: what the post that carries the record will say of the incident. */
export function withRecord(ledger: Ledger, record: TimelineRecord): Ledger {
  const mark: Mark = { event_id: record.event_id, occurred_at: record.occurred_at, ...(record.actor ? { actor: record.actor } : {}) };
  const earlier = (current: Mark | undefined) => (!current || time(mark) < time(current) ? mark : current);
  return {
    ...ledger,
    events: record.action === 'closed' || record.action === 'linked' || ledger.events.includes(record.event_id) ? ledger.events : [...ledger.events, record.event_id].slice(-MAX_LEDGER_EVENTS),
    latest: record.status && (!ledger.latest || time(mark) >= time(ledger.latest)) ? { ...mark, status: record.status, action: record.action as NonNullable<Ledger['latest']>['action'] } : ledger.latest,
    first: record.action === 'closed' ? ledger.first : earlier(ledger.first),
    triggered: record.action === 'triggered' || record.action === 'group_firing' ? earlier(ledger.triggered) : ledger.triggered,
    acknowledged: record.action === 'acknowledged' ? earlier(ledger.acknowledged) : ledger.acknowledged,
    reassignments: ledger.reassignments + (record.action === 'assigned' || record.action === 'delegated' ? 1 : 0),
    escalations: ledger.escalations + (record.action === 'escalated' ? 1 : 0),
    invited: union(ledger.invited, record.invited ?? [], MAX_LEDGER_INVITED),
    closed: record.action === 'closed' ? union(ledger.closed, [record.event_id], MAX_LEDGER_EVENTS) : ledger.closed,
  };
}

/** One ledger from several (posts made at the same moment by two hosts, or the channels of one incident). */
export function mergeLedgers(ledgers: readonly Ledger[]): Ledger {
  if (ledgers.length === 1) return ledgers[0];
  const newest = <T extends { occurred_at: string }>(a: T | undefined, b: T | undefined) => (!a ? b : !b ? a : time(b) > time(a) ? b : a);
  const oldest = <T extends { occurred_at: string }>(a: T | undefined, b: T | undefined) => (!a ? b : !b ? a : time(b) < time(a) ? b : a);
  return ledgers.reduce(
    (a, b) => ({
      events: union(a.events, b.events, MAX_LEDGER_EVENTS),
      latest: newest(a.latest, b.latest),
      first: oldest(a.first, b.first),
      triggered: oldest(a.triggered, b.triggered),
      acknowledged: oldest(a.acknowledged, b.acknowledged),
      reassignments: Math.max(a.reassignments, b.reassignments),
      escalations: Math.max(a.escalations, b.escalations),
      invited: union(a.invited, b.invited, MAX_LEDGER_INVITED),
      closed: union(a.closed, b.closed, MAX_LEDGER_EVENTS),
      opening_post_id: a.opening_post_id ?? b.opening_post_id,
      alerts: a.alerts || b.alerts ? mergeAlerts(a.alerts ?? {}, b.alerts ?? {}) : undefined,
      resolved_post_at: Math.max(a.resolved_post_at ?? 0, b.resolved_post_at ?? 0) || undefined,
      incident: newest(a.latest, b.latest) === b.latest ? (b.incident ?? a.incident) : (a.incident ?? b.incident),
      jira: a.jira ?? b.jira,
      silences: a.silences || b.silences ? union(a.silences ?? [], b.silences ?? [], 20) : undefined,
    }),
    EMPTY_LEDGER,
  );
}

/** The ledger that records alone (from posts made before ledgers existed) add up to, oldest first. */
export function ledgerFromRecords(records: readonly TimelineRecord[]): Ledger {
  return [...records].sort((a, b) => time(a) - time(b)).reduce(withRecord, EMPTY_LEDGER);
}

/** Per alert, the later occurrence; within one, resolved (a resolution is final for its occurrence). */
function mergeAlerts(a: Readonly<Record<string, LedgerAlert>>, b: Readonly<Record<string, LedgerAlert>>): Record<string, LedgerAlert> {
  const out: Record<string, LedgerAlert> = { ...a };
  for (const [fingerprint, alert] of Object.entries(b)) {
    const mine = out[fingerprint];
    if (!mine || Date.parse(alert.a) > Date.parse(mine.a) || (alert.a === mine.a && alert.s === 'resolved')) out[fingerprint] = alert;
  }
  return out;
}

function union(a: readonly string[], b: readonly string[], max: number): string[] {
  const out = [...a];
  for (const item of b) if (!out.some((o) => o.toLowerCase() === item.toLowerCase())) out.push(item);
  return out.slice(-max);
}

import { type AlertGroupEvent, type EventAction, type IncidentEvent, type IncidentStatus, statusAfter } from '../incident/incident-event';
import type { LedgerAlert } from '../incident/timeline-record';
import { channelHeader } from '../render/incident-text';
import type { AlertChanges } from '../render/timeline';
import { alertChanges } from './alert-changes';
import type { ChannelState } from './channel-state';

/** What the channel in use looks like when the event arrives. */
export interface ChannelFacts {
  /** This very run created it (with its header set). */
  readonly createdNow: boolean;
  readonly archived: boolean;
  readonly header: string;
  /** `archive_on_resolve`: a closed incident's channel should be archived. */
  readonly archiveOnResolve?: boolean;
  /** For alert groups: now, and how soon after a resolution a firing message reopens it rather than starting anew. */
  readonly now?: number;
  readonly reopenWithinMs?: number;
}

/** The writes of one event to its channel. */
export interface Writes {
  /** The opening post (incident details) rather than a one-line timeline post. */
  readonly opening: boolean;
  /** The header to write: the event is at least as new as what the channel shows. */
  readonly header?: string;
  /** Bring the alert users into the channel. */
  readonly invite: boolean;
  /** Bring the people the event concerns (assignees, added responders) into the channel. */
  readonly responders: boolean;
  /** Announce the resolution and release the people. */
  readonly resolve: boolean;
  readonly reopen: boolean;
  /** The incident's status after the event, as judged (the event may not say). */
  readonly status?: IncidentStatus;
  /** What the event means here, when that is not its action: a trigger of an incident already open. */
  readonly meaning?: EventAction;
  /** For an alert group: what changed, and the alerts as the channel will know them. */
  readonly alerts?: { readonly changes: AlertChanges; readonly next: Readonly<Record<string, LedgerAlert>> };
}

/** What applying one event to its incident channel means. */
export type Plan =
  /** Already applied; what that run left undone: the header (its write failed), the archive (it stopped after closing). */
  | { readonly kind: 'duplicate'; readonly repairHeader?: string; readonly archive?: boolean }
  /** This resolve was recorded but its run stopped before the channel was closed: finish announcing and releasing. */
  | { readonly kind: 'finish-resolve'; readonly repairHeader?: string }
  /** The channel is archived and the event is older than what it shows: nothing to record. */
  | { readonly kind: 'archived-history' }
  /** An alert group's message that changes nothing the channel shows (a repeat, a peer's copy, a late firing). */
  | { readonly kind: 'unchanged' }
  /** An alert group firing again long after its resolution: a new incident, in the group's next channel. */
  | { readonly kind: 'new-episode' }
  /** A reopening event for an archived channel: restore it, or else continue in a new channel (`planForNewChannel`). */
  | ({ readonly kind: 'reopen-archived' } & Writes)
  | ({ readonly kind: 'apply' } & Writes);

/** After a resolution only these bring the incident back: a reopen, or a newer trigger or acknowledge. */
const REOPENING = new Set<EventAction>(['reopened', 'triggered', 'acknowledged', 'unacknowledged']);

/**
 * Decides from the event, the channel's state and what the channel looks like. `state` is undefined for a
 * channel created by this very event. Events older than what the channel shows are only recorded: the status
 * never goes back, except by a newer trigger, acknowledge or explicit reopen after a resolution.
 */
export function planEvent(event: IncidentEvent, state: ChannelState | undefined, channel: ChannelFacts): Plan {
  const seen = state?.ledger.events.includes(event.eventId) === true;
  if (seen) return planSeen(event, state!, channel);
  const plan = event.kind === 'alerts' ? planAlerts(event, state, channel) : planOther(event, state, channel.createdNow);
  if (plan.kind !== 'apply') return plan;
  if (!channel.archived) return plan;
  // An archived channel takes no posts: a newer trigger or acknowledge reopens the incident, anything else is
  // history the archived channel no longer records.
  return plan.reopen && event.kind !== 'note' && event.kind !== 'responder' ? { ...plan, kind: 'reopen-archived' } : { kind: 'archived-history' };
}

/** The writes to a new channel that continues an incident whose channel is archived and could not be restored. */
export function planForNewChannel(plan: Writes): Writes {
  return { ...plan, opening: true, header: undefined, invite: true, responders: true };
}

function planSeen(event: IncidentEvent, state: ChannelState, channel: ChannelFacts): Plan {
  const { latest, closed } = state.ledger;
  const expected = headerFor(event, latest?.status, state, state.ledger.alerts ? countsOf(state.ledger.alerts, event) : undefined);
  // The header shows the newest status: only a retry of that very event may have a header left to write.
  const repairHeader = latest?.event_id === event.eventId && !channel.archived && expected !== undefined && channel.header !== expected ? expected : undefined;
  if (latest?.event_id === event.eventId && latest.status === 'resolved' && (latest.action === 'resolved' || latest.action === 'group_resolved') && !closed.includes(event.eventId)) {
    return repairHeader ? { kind: 'finish-resolve', repairHeader } : { kind: 'finish-resolve' };
  }
  const archive = channel.archiveOnResolve === true && !channel.archived && closed.includes(event.eventId) && latest?.event_id === event.eventId;
  return { kind: 'duplicate', ...(repairHeader ? { repairHeader } : {}), ...(archive ? { archive } : {}) };
}

function planOther(event: IncidentEvent, state: ChannelState | undefined, createdNow: boolean): Plan {
  const reported = statusAfter(event);
  if (createdNow || !state || state.ledger.events.length === 0) {
    // A new channel, or one whose opening never got posted (the run that made it stopped half-way).
    const live = reported !== 'resolved';
    return { kind: 'apply', opening: true, header: createdNow ? undefined : headerFor(event, reported, state), invite: live, responders: live, resolve: !live, reopen: false, status: reported };
  }
  const latest = state.ledger.latest;
  const newer = !latest || Date.parse(event.occurredAt) >= Date.parse(latest.occurred_at);
  const wasResolved = latest?.status === 'resolved';
  if (event.kind !== 'status' || !newer) {
    // A responder asked for while the incident is live still needs the channel, whatever the order.
    return { kind: 'apply', opening: false, invite: false, responders: event.kind === 'responder' && !wasResolved, resolve: false, reopen: false, status: reported };
  }
  // A trigger of an incident already open is a repeat (Opsgenie's Create for a team added): the status stays.
  const repeat = event.action === 'triggered' && latest !== undefined && !wasResolved;
  // An event that does not say the status (an Opsgenie reassignment) leaves the one shown.
  const status = repeat ? latest.status : (reported ?? latest?.status);
  const reopen = wasResolved && REOPENING.has(event.action);
  const live = status !== 'resolved' && (!wasResolved || reopen);
  // An alert group acknowledged from Mattermost keeps its counts in the header.
  const counts = state.ledger.alerts ? countsOf(state.ledger.alerts, event) : undefined;
  const meaning = repeat && event.whenOpen ? { meaning: event.whenOpen } : {};
  return { kind: 'apply', opening: false, header: headerFor(event, status, state, counts), invite: reopen, responders: live, resolve: status === 'resolved' && !wasResolved, reopen, status, ...meaning };
}

function planAlerts(event: AlertGroupEvent, state: ChannelState | undefined, channel: ChannelFacts): Plan {
  const fresh = channel.createdNow || !state || state.ledger.events.length === 0;
  const { changes, next } = alertChanges(fresh ? {} : (state.ledger.alerts ?? {}), event.alerts, event.truncated);
  const latest = fresh ? undefined : state.ledger.latest;
  const wasResolved = latest?.status === 'resolved';
  // The message says the group resolved; one that left alerts out never does.
  const groupResolved = statusAfter(event) === 'resolved';
  if (!fresh && changes.added.length === 0 && changes.resolved.length === 0 && !(groupResolved && !wasResolved)) return { kind: 'unchanged' };
  if (wasResolved && changes.added.length > 0) {
    const since = (channel.now ?? Date.parse(event.occurredAt)) - Date.parse(latest!.occurred_at);
    if (since > (channel.reopenWithinMs ?? 0)) return { kind: 'new-episode' };
  }
  const reopen = wasResolved && changes.added.length > 0;
  const status: IncidentStatus = groupResolved ? 'resolved' : latest?.status === 'acknowledged' && !reopen ? 'acknowledged' : 'triggered';
  const counts = { firing: changes.firing, total: Object.keys(next).length, truncated: event.truncated };
  return {
    kind: 'apply',
    opening: fresh,
    header: fresh && channel.createdNow ? undefined : headerFor(event, status, fresh ? undefined : state, counts),
    invite: fresh ? status !== 'resolved' : reopen,
    responders: false,
    resolve: status === 'resolved' && !wasResolved && !fresh,
    reopen,
    status,
    alerts: { changes, next },
  };
}

/**
 * The header an event writes, with the status as judged, and who acknowledged: the acknowledging event's agent,
 * else the first acknowledge the ledger records (so a retry computes the same header).
 */
function headerFor(event: IncidentEvent, status: IncidentStatus | undefined, state: ChannelState | undefined, counts?: { firing: number; total: number; truncated: number }): string | undefined {
  if (event.kind !== 'status' && event.kind !== 'alerts') return undefined;
  const acknowledgedBy = status !== 'acknowledged' ? undefined : event.action === 'acknowledged' ? event.agent?.name : state?.ledger.acknowledged?.actor;
  return channelHeader(event.incident, status, event.occurredAt, counts, acknowledgedBy);
}

function countsOf(alerts: Readonly<Record<string, LedgerAlert>>, event: IncidentEvent): { firing: number; total: number; truncated: number } {
  return { firing: Object.values(alerts).filter((a) => a.s === 'firing').length, total: Object.keys(alerts).length, truncated: event.kind === 'alerts' ? event.truncated : 0 };
}

import { type EventAction, type IncidentEvent, statusAfter } from '../incident/incident-event';
import { channelHeader } from '../render/incident-text';
import type { ChannelState } from './channel-state';

/** What the channel in use looks like when the event arrives. */
export interface ChannelFacts {
  /** This very run created it (with its header set). */
  readonly createdNow: boolean;
  readonly archived: boolean;
  readonly header: string;
  /** `archive_on_resolve`: a closed incident's channel should be archived. */
  readonly archiveOnResolve?: boolean;
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
}

/** What applying one event to its incident channel means. */
export type Plan =
  /** Already applied; what that run left undone: the header (its write failed), the archive (it stopped after closing). */
  | { readonly kind: 'duplicate'; readonly repairHeader?: string; readonly archive?: boolean }
  /** This resolve was recorded but its run stopped before the channel was closed: finish announcing and releasing. */
  | { readonly kind: 'finish-resolve'; readonly repairHeader?: string }
  /** The channel is archived and the event is older than what it shows: nothing to record. */
  | { readonly kind: 'archived-history' }
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
  const status = statusAfter(event);
  const headerFor = () => (event.kind === 'status' ? channelHeader(event.incident, status, event.occurredAt) : undefined);
  const plan = basePlan(event, state, channel.createdNow);
  if (plan.kind === 'duplicate' || plan.kind === 'finish-resolve') {
    const expected = headerFor();
    // The header shows the newest status: only a retry of that very event may have a header left to write.
    const repairHeader = state?.ledger.latest?.event_id === event.eventId && !channel.archived && expected !== undefined && channel.header !== expected ? expected : undefined;
    if (plan.kind === 'finish-resolve') return repairHeader ? { kind: 'finish-resolve', repairHeader } : plan;
    const archive = channel.archiveOnResolve === true && !channel.archived && state?.ledger.closed.includes(event.eventId) === true && state.ledger.latest?.event_id === event.eventId;
    return { kind: 'duplicate', ...(repairHeader ? { repairHeader } : {}), ...(archive ? { archive } : {}) };
  }
  if (plan.kind !== 'apply') return plan;
  const { writeHeader, kind: _kind, ...rest } = plan;
  const writes: Writes = { ...rest, header: writeHeader ? headerFor() : undefined };
  if (!channel.archived) return { ...writes, kind: 'apply' };
  // An archived channel takes no posts: a newer trigger or acknowledge reopens the incident, anything else is
  // history the archived channel no longer records.
  return writes.reopen && event.kind === 'status' ? { ...writes, kind: 'reopen-archived' } : { kind: 'archived-history' };
}

/** The writes to a new channel that continues an incident whose channel is archived and could not be restored. */
export function planForNewChannel(plan: Writes): Writes {
  return { ...plan, opening: true, header: undefined, invite: true, responders: true };
}

type BasePlan = { readonly kind: 'duplicate' } | { readonly kind: 'finish-resolve' } | ({ readonly kind: 'apply'; readonly writeHeader: boolean } & Omit<Writes, 'header'>);

function basePlan(event: IncidentEvent, state: ChannelState | undefined, createdNow: boolean): BasePlan {
  const status = statusAfter(event);
  if (createdNow || !state || state.ledger.events.length === 0) {
    // A new channel, or one whose opening never got posted (the run that made it stopped half-way).
    const live = status !== 'resolved';
    return { kind: 'apply', opening: true, writeHeader: !createdNow, invite: live, responders: live, resolve: !live, reopen: false };
  }
  const latest = state.ledger.latest;
  if (state.ledger.events.includes(event.eventId)) {
    const closed = state.ledger.closed.includes(event.eventId);
    return latest?.event_id === event.eventId && latest.action === 'resolved' && !closed ? { kind: 'finish-resolve' } : { kind: 'duplicate' };
  }
  const newer = !latest || Date.parse(event.occurredAt) >= Date.parse(latest.occurred_at);
  const wasResolved = latest?.status === 'resolved';
  if (event.kind !== 'status' || !newer) {
    // A responder asked for while the incident is live still needs the channel, whatever the order.
    return { kind: 'apply', opening: false, writeHeader: false, invite: false, responders: event.kind === 'responder' && !wasResolved, resolve: false, reopen: false };
  }
  const reopen = wasResolved && REOPENING.has(event.action);
  const live = status !== 'resolved' && (!wasResolved || reopen);
  return { kind: 'apply', opening: false, writeHeader: true, invite: reopen, responders: live, resolve: status === 'resolved' && !wasResolved, reopen };
}

import { type IncidentEvent, statusAfter } from '../parse/incident-event';
import type { ChannelState } from './channel-state';

/** What applying one event to its incident channel means. */
export type Plan =
  | { readonly kind: 'duplicate' }
  /** This resolve was recorded but its run stopped before the channel was closed: finish announcing and releasing. */
  | { readonly kind: 'finish-resolve' }
  | {
      readonly kind: 'apply';
      /** The opening post (incident details) rather than a one-line timeline post. */
      readonly opening: boolean;
      /** Rewrite the header: the event is at least as new as what the channel shows. */
      readonly header: boolean;
      /** Bring the alert users into the channel. */
      readonly invite: boolean;
      /** Bring the PagerDuty users the event concerns (assignees, added responders) into the channel. */
      readonly responders: boolean;
      /** Announce the resolution and release the people. */
      readonly resolve: boolean;
      readonly reopen: boolean;
    };

/** After a resolution only these bring the incident back: PagerDuty's reopen, or a newer trigger or acknowledge. */
const REOPENING = new Set<IncidentEvent['action']>(['reopened', 'triggered', 'acknowledged', 'unacknowledged']);

/**
 * Decides from the event and the channel's state. `state` is undefined for a channel created by this very
 * event. Events older than what the channel shows are only recorded: the status never goes back, except by
 * a newer trigger, acknowledge or explicit reopen after a resolution.
 */
export function planEvent(event: IncidentEvent, state: ChannelState | undefined): Plan {
  const status = statusAfter(event);
  if (!state || state.records.length === 0) {
    // A new channel, or one whose opening never got posted (the run that made it stopped half-way).
    const live = status !== 'resolved';
    return { kind: 'apply', opening: true, header: state !== undefined, invite: live, responders: live, resolve: !live, reopen: false };
  }
  const latest = state.latest;
  const seen = state.records.find((r) => r.event_id === event.eventId && r.action !== 'closed');
  if (seen) {
    const closed = state.records.some((r) => r.action === 'closed' && r.event_id === event.eventId);
    return seen.action === 'resolved' && !closed && latest?.event_id === seen.event_id ? { kind: 'finish-resolve' } : { kind: 'duplicate' };
  }
  const newer = !latest || Date.parse(event.occurredAt) >= Date.parse(latest.occurred_at);
  const wasResolved = latest?.status === 'resolved';
  if (event.kind !== 'status' || !newer) {
    // A responder asked for while the incident is live still needs the channel, whatever the order.
    return { kind: 'apply', opening: false, header: false, invite: false, responders: event.kind === 'responder' && !wasResolved, resolve: false, reopen: false };
  }
  const reopen = wasResolved && REOPENING.has(event.action);
  const live = status !== 'resolved' && (!wasResolved || reopen);
  return { kind: 'apply', opening: false, header: true, invite: reopen, responders: live, resolve: status === 'resolved' && !wasResolved, reopen };
}

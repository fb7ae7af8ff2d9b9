/**
 * The one internal shape every alert source is normalised into. Everything after the sources (decide, apply,
 * render) sees only these types, never a raw payload.
 */

/** The systems that send alerts. Adding one makes `tsc` point at every place that must handle it. */
export type SourceId = 'pagerduty';

export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** A user, service or integration that a source names as doing or receiving something. */
export interface Actor {
  readonly kind: 'user' | 'service' | 'other';
  readonly name: string;
  readonly id?: string;
  /** Only some payloads carry e-mail addresses (PagerDuty V1). */
  readonly email?: string;
}

export interface IncidentDetails {
  readonly id: string;
  readonly number?: number;
  readonly title: string;
  readonly status?: IncidentStatus;
  readonly htmlUrl?: string;
  readonly urgency?: string;
  readonly priority?: string;
  readonly service?: { readonly name: string; readonly htmlUrl?: string };
  /** ISO 8601, UTC. */
  readonly createdAt?: string;
  readonly lastStatusChangeAt?: string;
  readonly assignees: readonly Actor[];
  readonly acknowledgers: readonly Actor[];
  /** When it was first acknowledged, where the payload says. */
  readonly acknowledgedAt?: string;
  readonly resolveReason?: string;
}

/** What an event that is about an incident, but does not carry it, says of the incident. */
export interface IncidentRef {
  readonly id: string;
  readonly title?: string;
  readonly htmlUrl?: string;
}

/** Events that carry the whole incident and may change its status, header or people. */
export type StatusAction =
  | 'triggered'
  | 'acknowledged'
  | 'unacknowledged'
  | 'resolved'
  | 'reopened'
  | 'assigned'
  | 'escalated'
  | 'delegated'
  | 'priority_updated'
  | 'service_updated'
  | 'incident_type_changed';

export type NoteAction = 'annotated' | 'status_update_published' | 'conference_bridge_updated';

export type ResponderAction = 'responder_added' | 'responder_replied';

export interface EventBase {
  readonly source: SourceId;
  /** The source's id of this event: the same on every retry of it. */
  readonly eventId: string;
  /** The event's name as the source calls it, e.g. `incident.trigger` or `incident.triggered`. */
  readonly eventType: string;
  /** When the event happened, ISO 8601 UTC. */
  readonly occurredAt: string;
  /** Who caused it; absent for automation. */
  readonly agent?: Actor;
}

export interface StatusEvent extends EventBase {
  readonly kind: 'status';
  readonly action: StatusAction;
  readonly incident: IncidentDetails;
}

export interface NoteEvent extends EventBase {
  readonly kind: 'note';
  readonly action: NoteAction;
  readonly incident: IncidentRef;
  readonly text: string;
}

export interface ResponderEvent extends EventBase {
  readonly kind: 'responder';
  readonly action: ResponderAction;
  readonly incident: IncidentRef;
  readonly responder: Actor;
  readonly state?: string;
  readonly message?: string;
}

export type IncidentEvent = StatusEvent | NoteEvent | ResponderEvent;

export type EventAction = IncidentEvent['action'];

/** A message that is deliberately not acted on (pings, service events, unknown types). */
export interface IgnoredMessage {
  readonly kind: 'ignored';
  readonly eventType: string;
  readonly reason: string;
}

export type ParsedMessage = IncidentEvent | IgnoredMessage;

/** The status an incident has after an event, when the event implies one. */
export function statusAfter(event: IncidentEvent): IncidentStatus | undefined {
  switch (event.kind) {
    case 'note':
    case 'responder':
      return undefined;
    case 'status':
      return statusAfterAction(event.action, event.incident.status);
    default:
      return event satisfies never;
  }
}

function statusAfterAction(action: StatusAction, reported: IncidentStatus | undefined): IncidentStatus | undefined {
  switch (action) {
    case 'triggered':
    case 'unacknowledged':
    case 'reopened':
      return 'triggered';
    case 'acknowledged':
      return 'acknowledged';
    case 'resolved':
      return 'resolved';
    case 'assigned':
    case 'escalated':
    case 'delegated':
    case 'priority_updated':
    case 'service_updated':
    case 'incident_type_changed':
      return reported;
    default:
      return action satisfies never;
  }
}

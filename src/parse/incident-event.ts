/**
 * The one internal shape every PagerDuty webhook generation is normalised into. Handlers only ever see these
 * types, never a raw payload.
 */

export type Generation = 'v1' | 'v2' | 'v3';
export type IncidentStatus = 'triggered' | 'acknowledged' | 'resolved';

/** A user, service or integration that PagerDuty names as doing or receiving something. */
export interface Actor {
  readonly kind: 'user' | 'service' | 'other';
  readonly name: string;
  readonly id?: string;
  /** Only V1 payloads carry e-mail addresses. */
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
  /** When it was first acknowledged, where the payload says (V1/V2). */
  readonly acknowledgedAt?: string;
  readonly resolveReason?: string;
}

/** What a V3 event that is about an incident, but does not carry it, says of the incident. */
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

export interface EventBase {
  readonly generation: Generation;
  /** PagerDuty's id of this event (V1/V2 message id, V3 event id): the same on every retry. */
  readonly eventId: string;
  /** The raw event name, e.g. `incident.trigger` or `incident.triggered`. */
  readonly eventType: string;
  /** When the event happened, ISO 8601 UTC. */
  readonly occurredAt: string;
  /** Who caused it; absent for automation. */
  readonly agent?: Actor;
}

export type IncidentEvent =
  | (EventBase & { readonly kind: 'status'; readonly action: StatusAction; readonly incident: IncidentDetails })
  | (EventBase & { readonly kind: 'note'; readonly action: NoteAction; readonly incident: IncidentRef; readonly text: string })
  | (EventBase & {
      readonly kind: 'responder';
      readonly action: 'responder_added' | 'responder_replied';
      readonly incident: IncidentRef;
      readonly responder: Actor;
      readonly state?: string;
      readonly message?: string;
    });

/** A message that is deliberately not acted on (pings, service events, unknown types). */
export interface IgnoredMessage {
  readonly kind: 'ignored';
  readonly eventType: string;
  readonly reason: string;
}

export type ParsedMessage = IncidentEvent | IgnoredMessage;

export interface Delivery {
  readonly generation: Generation;
  readonly messages: readonly ParsedMessage[];
}

/** The status an incident has after a status event, when the event implies one. */
export function statusAfter(event: IncidentEvent): IncidentStatus | undefined {
  if (event.kind !== 'status') return undefined;
  switch (event.action) {
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
      return event.incident.status;
  }
}

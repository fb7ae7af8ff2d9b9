/**
 * The one internal shape every alert source is normalised into. Everything after the sources (decide, apply,
 * render) sees only these types, never a raw payload.
 */

/** The systems that send alerts. Adding one makes `tsc` point at every place that must handle it. */
export type SourceId = 'pagerduty' | 'alertmanager' | 'grafana' | 'opsgenie';

/** How each source is named to people. */
export const SOURCE_LABELS: Readonly<Record<SourceId, string>> = { pagerduty: 'PagerDuty', alertmanager: 'Alertmanager', grafana: 'Grafana', opsgenie: 'Opsgenie' };

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
  /** Who sent it; PagerDuty when not said. */
  readonly source?: SourceId;
  readonly id: string;
  readonly number?: number;
  readonly title: string;
  readonly status?: IncidentStatus;
  readonly htmlUrl?: string;
  readonly urgency?: string;
  readonly priority?: string;
  readonly service?: { readonly name: string; readonly htmlUrl?: string; readonly id?: string };
  /** ISO 8601, UTC. */
  readonly createdAt?: string;
  readonly lastStatusChangeAt?: string;
  readonly assignees: readonly Actor[];
  readonly acknowledgers: readonly Actor[];
  /** When it was first acknowledged, where the payload says. */
  readonly acknowledgedAt?: string;
  readonly resolveReason?: string;
  /** The channel's name before any `-2` (`incident-<id>` for PagerDuty); the source's own shape otherwise. */
  readonly channelBase?: string;
  /** More links back to the source (a dashboard, a panel, a silence). */
  readonly links?: readonly Link[];
  /** Labels the incident carries (Alertmanager and Grafana labels, Opsgenie tags as `tag:<name>`), for routing. */
  readonly labels?: Readonly<Record<string, string>>;
  /** More facts for the opening post, as the source words them (a receiver, Grafana's values). */
  readonly details?: readonly { readonly title: string; readonly value: string }[];
  /** A picture of the alert (Grafana's panel screenshot). */
  readonly imageUrl?: string;
}

export interface Link {
  readonly label: string;
  readonly url: string;
}

/** What an event that is about an incident, but does not carry it, says of the incident. */
export interface IncidentRef {
  readonly source?: SourceId;
  readonly id: string;
  readonly title?: string;
  readonly htmlUrl?: string;
  /** As on IncidentDetails, when the event says; else the channel the incident was last seen in. */
  readonly channelBase?: string;
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

export type NoteAction = 'annotated' | 'status_update_published' | 'conference_bridge_updated' | 'team_added' | 'tags_changed' | 'custom_action';

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
  /**
   * What a trigger means when it comes for an incident that is already open: Opsgenie sends Create again to the
   * integrations of each team added later. Such a trigger never moves the status back.
   */
  readonly whenOpen?: EventAction;
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

/** One alert of a group (Alertmanager, Grafana), as a message shows it. */
export interface AlertState {
  readonly fingerprint: string;
  readonly status: 'firing' | 'resolved';
  readonly startsAt: string;
  /** Set once resolved; firing alerts carry Alertmanager's zero time, which is left out. */
  readonly endsAt?: string;
  /** What to call it: its summary annotation, else its alertname and instance. */
  readonly name: string;
  readonly url?: string;
}

/**
 * A message of an alert group (Alertmanager, Grafana): the whole group as it stands. What it changes is judged
 * against the alerts the channel already reported.
 */
export interface AlertGroupEvent extends EventBase {
  readonly kind: 'alerts';
  readonly action: 'group_firing' | 'group_resolved';
  /** The group; its id names the group across episodes, the episode is found from the channels. */
  readonly incident: IncidentDetails;
  readonly alerts: readonly AlertState[];
  /** Alerts the sender left out of the message (`max_alerts`): the group is never resolved from it. */
  readonly truncated: number;
}

export type IncidentEvent = StatusEvent | NoteEvent | ResponderEvent | AlertGroupEvent;

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
    case 'alerts':
      // A truncated message may hide alerts still firing: it never resolves the group.
      return event.action === 'group_resolved' && event.truncated === 0 ? 'resolved' : 'triggered';
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

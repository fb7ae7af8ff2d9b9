import { PayloadError } from '../../errors';
import type { Actor, IncidentDetails, IncidentStatus, StatusAction, StatusEvent } from '../../incident/incident-event';
import type { JsonReader } from '../json-reader';

/** V1 and V2 name their lifecycle events alike. */
export const V1_V2_ACTIONS: Readonly<Record<string, StatusAction>> = {
  'incident.trigger': 'triggered',
  'incident.acknowledge': 'acknowledged',
  'incident.unacknowledge': 'unacknowledged',
  'incident.resolve': 'resolved',
  'incident.assign': 'assigned',
  'incident.escalate': 'escalated',
  'incident.delegate': 'delegated',
};

const STATUSES: readonly IncidentStatus[] = ['triggered', 'acknowledged', 'resolved'];

export function readStatus(incident: JsonReader): IncidentStatus | undefined {
  const status = incident.optionalString('status');
  if (status === undefined) return undefined;
  if (!(STATUSES as readonly string[]).includes(status)) throw new PayloadError(`${incident.at('status')}: unknown status "${status.slice(0, 40)}"`);
  return status as IncidentStatus;
}

/** A PagerDuty reference (`{id, type, summary}`) or a V1 user (`{id, name, email}`) as an Actor. */
export function readActor(ref: JsonReader | undefined): Actor | undefined {
  if (!ref) return undefined;
  const type = ref.optionalString('type') ?? '';
  const name = ref.optionalString('summary') ?? ref.optionalString('name') ?? ref.optionalString('email') ?? ref.optionalString('id');
  if (!name) return undefined;
  // V1 user objects have no type (or "user"); references say `user_reference` / `service_reference`.
  const kind = type === '' || type.startsWith('user') ? 'user' : type.startsWith('service') ? 'service' : 'other';
  return { kind, name, id: ref.optionalId('id'), email: ref.optionalString('email') };
}

/** When the message carries no id (never seen in practice), one derived from its content keeps dedupe working. */
export function fallbackEventId(eventType: string, incidentId: string, occurredAt: string): string {
  return `${eventType}/${incidentId}/${occurredAt}`;
}

export function requireTime(value: string | undefined, path: string): string {
  if (!value) throw new PayloadError(`${path}: required`);
  return value;
}

export function earliest(times: readonly (string | undefined)[]): string | undefined {
  return times.filter((t) => t !== undefined).sort()[0];
}

export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** The incident's service, named by the first of `nameKeys` that it has. */
export function readService(incident: JsonReader, ...nameKeys: string[]): IncidentDetails['service'] {
  const service = incident.optionalObject('service');
  const name = nameKeys.map((key) => service?.optionalString(key)).find((n) => n !== undefined);
  return name ? { name, htmlUrl: service?.optionalString('html_url'), id: service?.optionalId('id') } : undefined;
}

/** Status, link and urgency: the same keys in every generation. */
export function readCommonFields(incident: JsonReader): Pick<IncidentDetails, 'status' | 'htmlUrl' | 'urgency'> {
  return { status: readStatus(incident), htmlUrl: incident.optionalString('html_url'), urgency: incident.optionalString('urgency') };
}

/** The people of a list of `{at, <key>: reference}` entries, and the earliest `at`. */
export function readPeople(incident: JsonReader, list: string, key: string): { actors: Actor[]; earliestAt?: string } {
  const entries = incident.objects(list);
  return { actors: entries.map((e) => readActor(e.optionalObject(key))).filter((a) => a !== undefined), earliestAt: earliest(entries.map((e) => e.optionalTime('at'))) };
}

/** A status event of PagerDuty's from its parts. */
export function statusEvent(head: Pick<StatusEvent, 'action' | 'eventType' | 'eventId' | 'occurredAt' | 'agent'>, incident: IncidentDetails): StatusEvent {
  return { kind: 'status', source: 'pagerduty', ...head, incident };
}

import { PayloadError } from '../errors';
import type { Actor, IncidentStatus } from './incident-event';
import type { JsonReader } from './json-reader';

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
  return { kind, name, id: ref.optionalText('id'), email: ref.optionalString('email') };
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

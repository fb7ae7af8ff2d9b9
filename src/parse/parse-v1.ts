import type { IgnoredMessage, IncidentEvent, StatusAction } from './incident-event';
import type { JsonReader } from './json-reader';
import { earliest, fallbackEventId, readActor, readStatus, requireTime } from './parse-common';

const V1_ACTIONS: Readonly<Record<string, StatusAction>> = {
  'incident.trigger': 'triggered',
  'incident.acknowledge': 'acknowledged',
  'incident.unacknowledge': 'unacknowledged',
  'incident.resolve': 'resolved',
  'incident.assign': 'assigned',
  'incident.escalate': 'escalated',
  'incident.delegate': 'delegated',
};

/** V1 (`messages[].type` + `data.incident`): the only generation with e-mail addresses. */
export function parseV1Message(message: JsonReader): IncidentEvent | IgnoredMessage {
  const eventType = message.string('type');
  const action = Object.prototype.hasOwnProperty.call(V1_ACTIONS, eventType) ? V1_ACTIONS[eventType] : undefined;
  if (!action) return { kind: 'ignored', eventType, reason: 'not an incident lifecycle event' };
  const incident = message.object('data').object('incident');
  const id = incident.string('id');
  const number = incident.optionalNumber('incident_number');
  const summary = incident.optionalObject('trigger_summary_data');
  const title = summary?.optionalString('subject') ?? summary?.optionalString('description') ?? (number !== undefined ? `#${number}` : id);
  const lastChange = incident.optionalTime('last_status_change_on');
  const occurredAt = message.optionalTime('created_on') ?? requireTime(lastChange, message.at('created_on'));
  const service = incident.optionalObject('service');
  const serviceName = service?.optionalString('name');
  const assignees = incident.objects('assigned_to').map((a) => readActor(a.optionalObject('object'))).filter((a) => a !== undefined);
  const legacyAssignee = readActor(incident.optionalObject('assigned_to_user'));
  const acknowledgements = incident.objects('acknowledgers');
  const acknowledgers = acknowledgements.map((a) => readActor(a.optionalObject('object'))).filter((a) => a !== undefined);
  const resolvedBy = readActor(incident.optionalObject('resolved_by_user'));
  const changedBy = readActor(incident.optionalObject('last_status_change_by'));
  const agent = action === 'resolved' ? resolvedBy : changedBy;
  return {
    kind: 'status',
    action,
    generation: 'v1',
    eventType,
    eventId: message.optionalString('id') ?? fallbackEventId(eventType, id, occurredAt),
    occurredAt,
    agent,
    incident: {
      id,
      number,
      title,
      status: readStatus(incident),
      htmlUrl: incident.optionalString('html_url'),
      urgency: incident.optionalString('urgency'),
      service: serviceName ? { name: serviceName, htmlUrl: service?.optionalString('html_url') } : undefined,
      createdAt: incident.optionalTime('created_on'),
      lastStatusChangeAt: lastChange,
      assignees: assignees.length > 0 ? assignees : legacyAssignee ? [legacyAssignee] : [],
      acknowledgers,
      acknowledgedAt: earliest(acknowledgements.map((a) => a.optionalTime('at'))),
    },
  };
}

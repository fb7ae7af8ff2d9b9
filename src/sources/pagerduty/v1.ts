import type { IgnoredMessage, IncidentEvent } from '../../incident/incident-event';
import type { JsonReader } from '../json-reader';
import { V1_V2_ACTIONS, fallbackEventId, statusEvent, lookup, readActor, readCommonFields, readPeople, readService, requireTime } from './common';

/** V1 (`messages[].type` + `data.incident`): the only generation with e-mail addresses. */
export function parseV1Message(message: JsonReader): IncidentEvent | IgnoredMessage {
  const eventType = message.string('type');
  const action = lookup(V1_V2_ACTIONS, eventType);
  if (!action) return { kind: 'ignored', eventType, reason: 'not an incident lifecycle event' };
  const incident = message.object('data').object('incident');
  const id = incident.id('id');
  const number = incident.optionalNumber('incident_number');
  const summary = incident.optionalObject('trigger_summary_data');
  const title = summary?.optionalString('subject') ?? summary?.optionalString('description') ?? (number !== undefined ? `#${number}` : id);
  const lastChange = incident.optionalTime('last_status_change_on');
  const occurredAt = message.optionalTime('created_on') ?? requireTime(lastChange, message.at('created_on'));
  const assignees = readPeople(incident, 'assigned_to', 'object').actors;
  const legacyAssignee = readActor(incident.optionalObject('assigned_to_user'));
  const acknowledgements = readPeople(incident, 'acknowledgers', 'object');
  const resolvedBy = readActor(incident.optionalObject('resolved_by_user'));
  const changedBy = readActor(incident.optionalObject('last_status_change_by'));
  const agent = action === 'resolved' ? resolvedBy : changedBy;
  return statusEvent(
    { action, eventType, eventId: message.optionalId('id') ?? fallbackEventId(eventType, id, occurredAt), occurredAt, agent },
    {
      id,
      number,
      title,
      ...readCommonFields(incident),
      service: readService(incident, 'name'),
      createdAt: incident.optionalTime('created_on'),
      lastStatusChangeAt: lastChange,
      assignees: assignees.length > 0 ? assignees : legacyAssignee ? [legacyAssignee] : [],
      acknowledgers: acknowledgements.actors,
      acknowledgedAt: acknowledgements.earliestAt,
    },
  );
}

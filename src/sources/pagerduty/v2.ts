import type { IgnoredMessage, IncidentEvent } from '../../incident/incident-event';
import type { JsonReader } from '../json-reader';
import { V1_V2_ACTIONS, fallbackEventId, statusEvent, lookup, readActor, readCommonFields, readPeople, readService, requireTime } from './common';

/** V2 (`messages[].event` + `messages[].incident`): the recipe's format. */
export function parseV2Message(message: JsonReader): IncidentEvent | IgnoredMessage {
  const eventType = message.string('event');
  const incident = message.object('incident');
  const id = incident.id('id');
  const logEntry = message.objects('log_entries')[0];
  const lastChange = incident.optionalTime('last_status_change_at');
  const occurredAt = message.optionalTime('created_on') ?? requireTime(lastChange, message.at('created_on'));
  const eventId = message.optionalId('id') ?? fallbackEventId(eventType, id, occurredAt);
  const agent = readActor(logEntry?.optionalObject('agent')) ?? readActor(incident.optionalObject('last_status_change_by'));
  const number = incident.optionalNumber('incident_number');
  const title = incident.optionalString('title') ?? incident.optionalString('description') ?? incident.optionalString('summary') ?? (number !== undefined ? `#${number}` : id);

  if (eventType === 'incident.annotate') {
    const note = logEntry?.optionalObject('channel')?.optionalString('summary') ?? logEntry?.optionalString('summary') ?? '';
    return {
      kind: 'note',
      action: 'annotated',
      source: 'pagerduty',
      eventType,
      eventId,
      occurredAt,
      agent,
      incident: { id, title, htmlUrl: incident.optionalString('html_url') },
      text: note,
    };
  }
  const action = lookup(V1_V2_ACTIONS, eventType);
  if (!action) return { kind: 'ignored', eventType, reason: 'not an incident lifecycle event' };

  const acknowledgements = readPeople(incident, 'acknowledgements', 'acknowledger');
  const priority = incident.optionalObject('priority');
  return statusEvent(
    { action, eventType, eventId, occurredAt, agent },
    {
      id,
      number,
      title,
      ...readCommonFields(incident),
      priority: priority?.optionalString('summary') ?? priority?.optionalString('name'),
      service: readService(incident, 'name', 'summary'),
      createdAt: incident.optionalTime('created_at'),
      lastStatusChangeAt: lastChange,
      assignees: readPeople(incident, 'assignments', 'assignee').actors,
      acknowledgers: acknowledgements.actors,
      acknowledgedAt: acknowledgements.earliestAt,
      resolveReason: readResolveReason(incident),
    },
  );
}

function readResolveReason(incident: JsonReader): string | undefined {
  const raw = incident.raw('resolve_reason');
  if (raw !== null && typeof raw === 'object') return incident.optionalObject('resolve_reason')?.optionalString('type');
  return incident.optionalString('resolve_reason');
}

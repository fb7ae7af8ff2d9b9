import type { IgnoredMessage, IncidentEvent, StatusAction } from './incident-event';
import type { JsonReader } from './json-reader';
import { earliest, fallbackEventId, readActor, readStatus, requireTime } from './parse-common';

const V2_ACTIONS: Readonly<Record<string, StatusAction>> = {
  'incident.trigger': 'triggered',
  'incident.acknowledge': 'acknowledged',
  'incident.unacknowledge': 'unacknowledged',
  'incident.resolve': 'resolved',
  'incident.assign': 'assigned',
  'incident.escalate': 'escalated',
  'incident.delegate': 'delegated',
};

/** V2 (`messages[].event` + `messages[].incident`): the recipe's format. */
export function parseV2Message(message: JsonReader): IncidentEvent | IgnoredMessage {
  const eventType = message.string('event');
  const incident = message.object('incident');
  const id = incident.string('id');
  const logEntry = message.objects('log_entries')[0];
  const lastChange = incident.optionalTime('last_status_change_at');
  const occurredAt = message.optionalTime('created_on') ?? requireTime(lastChange, message.at('created_on'));
  const eventId = message.optionalString('id') ?? fallbackEventId(eventType, id, occurredAt);
  const agent = readActor(logEntry?.optionalObject('agent')) ?? readActor(incident.optionalObject('last_status_change_by'));
  const number = incident.optionalNumber('incident_number');
  const title = incident.optionalString('title') ?? incident.optionalString('description') ?? incident.optionalString('summary') ?? (number !== undefined ? `#${number}` : id);

  if (eventType === 'incident.annotate') {
    const note = logEntry?.optionalObject('channel')?.optionalString('summary') ?? logEntry?.optionalString('summary') ?? '';
    return {
      kind: 'note',
      action: 'annotated',
      generation: 'v2',
      eventType,
      eventId,
      occurredAt,
      agent,
      incident: { id, title, htmlUrl: incident.optionalString('html_url') },
      text: note,
    };
  }
  const action = Object.prototype.hasOwnProperty.call(V2_ACTIONS, eventType) ? V2_ACTIONS[eventType] : undefined;
  if (!action) return { kind: 'ignored', eventType, reason: 'not an incident lifecycle event' };

  const service = incident.optionalObject('service');
  const serviceName = service?.optionalString('name') ?? service?.optionalString('summary');
  const priority = incident.optionalObject('priority');
  return {
    kind: 'status',
    action,
    generation: 'v2',
    eventType,
    eventId,
    occurredAt,
    agent,
    incident: {
      id,
      number,
      title,
      status: readStatus(incident),
      htmlUrl: incident.optionalString('html_url'),
      urgency: incident.optionalString('urgency'),
      priority: priority?.optionalString('summary') ?? priority?.optionalString('name'),
      service: serviceName ? { name: serviceName, htmlUrl: service?.optionalString('html_url') } : undefined,
      createdAt: incident.optionalTime('created_at'),
      lastStatusChangeAt: lastChange,
      assignees: incident.objects('assignments').map((a) => readActor(a.optionalObject('assignee'))).filter((a) => a !== undefined),
      acknowledgers: incident.objects('acknowledgements').map((a) => readActor(a.optionalObject('acknowledger'))).filter((a) => a !== undefined),
      acknowledgedAt: earliest(incident.objects('acknowledgements').map((a) => a.optionalTime('at'))),
      resolveReason: readResolveReason(incident),
    },
  };
}

function readResolveReason(incident: JsonReader): string | undefined {
  const raw = incident.raw('resolve_reason');
  if (raw !== null && typeof raw === 'object') return incident.optionalObject('resolve_reason')?.optionalString('type');
  return incident.optionalString('resolve_reason');
}

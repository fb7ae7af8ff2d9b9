import { PayloadError } from '../../errors';
import type { IgnoredMessage, IncidentEvent, IncidentRef, NoteAction, StatusAction } from '../../incident/incident-event';
import type { JsonReader } from '../json-reader';
import { fallbackEventId, lookup, readActor, readCommonFields, readService, requireTime, statusEvent } from './common';

const V3_STATUS_ACTIONS: Readonly<Record<string, StatusAction>> = {
  'incident.triggered': 'triggered',
  'incident.acknowledged': 'acknowledged',
  'incident.unacknowledged': 'unacknowledged',
  'incident.resolved': 'resolved',
  'incident.reopened': 'reopened',
  'incident.reassigned': 'assigned',
  'incident.escalated': 'escalated',
  'incident.delegated': 'delegated',
  'incident.priority_updated': 'priority_updated',
  'incident.service_updated': 'service_updated',
  'incident.incident_type.changed': 'incident_type_changed',
};

const V3_NOTE_ACTIONS: Readonly<Record<string, { action: NoteAction; dataType: string }>> = {
  'incident.annotated': { action: 'annotated', dataType: 'incident_note' },
  'incident.status_update_published': { action: 'status_update_published', dataType: 'incident_status_update' },
  'incident.conference_bridge.updated': { action: 'conference_bridge_updated', dataType: 'incident_conference_bridge' },
};

/** V3 (`event.event_type`, `event.data`): one event per delivery; `data.type` says what `data` holds. */
export function parseV3Event(event: JsonReader): IncidentEvent | IgnoredMessage {
  const eventType = event.string('event_type');
  const statusAction = lookup(V3_STATUS_ACTIONS, eventType);
  const note = lookup(V3_NOTE_ACTIONS, eventType);
  const isResponder = eventType === 'incident.responder.added' || eventType === 'incident.responder.replied';
  if (!statusAction && !note && !isResponder) {
    const reason = eventType === 'pagey.ping' ? 'PagerDuty test event' : eventType.startsWith('incident.') ? 'no change to the incident channel' : 'not about an incident';
    return { kind: 'ignored', eventType, reason };
  }

  const data = event.object('data');
  const dataType = data.optionalString('type');
  const occurredAt = requireTime(event.optionalTime('occurred_at'), event.at('occurred_at'));
  const agent = readActor(event.optionalObject('agent'));
  const expected = statusAction ? 'incident' : note ? note.dataType : 'incident_responder';
  if (dataType !== expected) throw new PayloadError(`${data.at('type')}: ${eventType} needs "${expected}", got ${dataType === undefined ? 'nothing' : `"${dataType.slice(0, 40)}"`}`);

  if (statusAction) {
    const id = data.id('id');
    const number = data.optionalNumber('number');
    return statusEvent(
      { action: statusAction, eventType, eventId: event.optionalId('id') ?? fallbackEventId(eventType, id, occurredAt), occurredAt, agent },
      {
        id,
        number,
        title: data.optionalString('title') ?? (number !== undefined ? `#${number}` : id),
        ...readCommonFields(data),
        priority: data.optionalObject('priority')?.optionalString('summary'),
        service: readService(data, 'summary', 'name'),
        createdAt: data.optionalTime('created_at'),
        // V3 has no status-change time; the event's own time is when the status changed.
        lastStatusChangeAt: occurredAt,
        assignees: data.objects('assignees').map((a) => readActor(a)).filter((a) => a !== undefined),
        // V3 names no acknowledgers; the agent of an acknowledge is the one.
        acknowledgers: statusAction === 'acknowledged' && agent ? [agent] : [],
        resolveReason: data.optionalString('resolve_reason'),
      },
    );
  }

  const incident = readRef(data.object('incident'));
  const eventId = event.optionalId('id') ?? fallbackEventId(eventType, incident.id, occurredAt);
  const base = { source: 'pagerduty' as const, eventType, eventId, occurredAt, agent, incident };
  if (note) {
    const text =
      note.action === 'annotated'
        ? data.optionalString('content')
        : note.action === 'status_update_published'
          ? data.optionalString('message')
          : data.optionalString('conference_url');
    return { ...base, kind: 'note', action: note.action, text: text ?? '' };
  }
  const responder = readActor(data.object('user'));
  if (!responder) throw new PayloadError(`${data.at('user')}: names nobody`);
  return {
    ...base,
    kind: 'responder',
    action: eventType === 'incident.responder.added' ? 'responder_added' : 'responder_replied',
    responder,
    state: data.optionalString('state'),
    message: data.optionalString('message'),
  };
}

function readRef(ref: JsonReader): IncidentRef {
  return { id: ref.id('id'), title: ref.optionalString('summary'), htmlUrl: ref.optionalString('html_url') };
}

import { createHash } from 'node:crypto';
import { PayloadError } from '../../errors';
import type { Actor, IncidentDetails, IncidentRef, NoteAction, ParsedMessage, StatusAction } from '../../incident/incident-event';
import { JsonReader } from '../json-reader';

const STATUS_ACTIONS: Readonly<Record<string, StatusAction>> = {
  Create: 'triggered',
  Acknowledge: 'acknowledged',
  UnAcknowledge: 'unacknowledged',
  Close: 'resolved',
  Delete: 'resolved',
  AssignOwnership: 'assigned',
  TakeOwnership: 'assigned',
  UpdatePriority: 'priority_updated',
};

export interface OpsgenieOptions {
  readonly receivedAt: string;
  /** The web app's base URL, for links to an alert (EU accounts have their own). */
  readonly webUrl: string;
}

/**
 * Opsgenie's outgoing webhook (and Jira Service Management's, which sends the same body). An incident is one alert
 * of one integration; its number is the alert's tinyId.
 */
export function parseOpsgenie(body: unknown, options: OpsgenieOptions): ParsedMessage[] {
  const root = JsonReader.root(body, '');
  if (!root.has('action') || !root.has('alert')) throw new PayloadError('not an Opsgenie webhook: expected "action" and "alert"');
  const action = root.string('action');
  const alert = root.object('alert');
  const alertId = alert.id('alertId');
  const integrationId = root.optionalId('integrationId') ?? '';
  const identity = createHash('sha256').update(`${integrationId}:${alertId}`).digest('hex').slice(0, 10);
  const tinyId = alert.optionalText('tinyId');
  const updatedAt = alert.optionalText('updatedAt');
  const createdAt = alert.optionalNumber('createdAt');
  const occurredAt = updatedAt && /^\d{16,19}$/.test(updatedAt) ? new Date(Number(updatedAt.slice(0, -6))).toISOString() : createdAt !== undefined ? new Date(createdAt).toISOString() : options.receivedAt;
  const eventId = root.optionalObject('alertFlowContext')?.optionalId('requestId') ?? `${action}:${alertId}:${updatedAt ?? createdAt ?? options.receivedAt}`;
  const username = alert.optionalString('username');
  const agent = username ? person(username) : undefined;
  const htmlUrl = `${options.webUrl}/alert/detail/${encodeURIComponent(alertId)}/details`;
  const ref: IncidentRef = { source: 'opsgenie', id: `og-${identity}`, title: alert.optionalString('message'), htmlUrl, channelBase: tinyId ? `og-${tinyId.replace(/[^0-9a-z]/gi, '').toLowerCase().slice(0, 12)}-${identity.slice(0, 6)}` : undefined };
  const base = { source: 'opsgenie' as const, eventType: `opsgenie.${action}`, eventId, occurredAt, agent };

  const status = Object.prototype.hasOwnProperty.call(STATUS_ACTIONS, action) ? STATUS_ACTIONS[action] : undefined;
  if (status) {
    const owner = action === 'AssignOwnership' ? alert.optionalString('owner') : action === 'TakeOwnership' ? username : undefined;
    const tags = stringsIn(alert.has('tags') ? alert.raw('tags') : []);
    // Create names the alert's teams (ids); a route can match them as `team`.
    const teams = stringsIn(alert.has('teams') ? alert.raw('teams') : []);
    const priority = alert.optionalText('priority');
    const incident: IncidentDetails = {
      source: 'opsgenie',
      id: ref.id,
      number: tinyId && /^\d+$/.test(tinyId) ? Number(tinyId) : undefined,
      title: ref.title ?? `Opsgenie alert ${tinyId ?? alertId}`,
      status: status === 'triggered' || status === 'unacknowledged' ? 'triggered' : status === 'acknowledged' ? 'acknowledged' : status === 'resolved' ? 'resolved' : undefined,
      htmlUrl,
      priority: priority ? (/^\d$/.test(priority) ? `P${priority}` : priority) : undefined,
      service: alert.optionalString('entity') ? { name: alert.optionalString('entity')! } : undefined,
      createdAt: createdAt !== undefined ? new Date(createdAt).toISOString() : undefined,
      assignees: owner ? [person(owner)] : [],
      acknowledgers: status === 'acknowledged' && agent ? [agent] : [],
      channelBase: ref.channelBase,
      labels: Object.fromEntries([...tags.map((t) => [`tag:${t}`, 'true']), ...teams.map((t) => [`team:${t}`, 'true'])]),
      details: [...(alert.optionalString('alias') ? [{ title: 'Alias', value: alert.optionalString('alias')! }] : []), ...(alert.optionalString('source') ? [{ title: 'Source', value: alert.optionalString('source')! }] : [])],
    };
    // Create comes again when a team is added (Opsgenie's team routing): for an open incident, that is what it means.
    return [{ ...base, kind: 'status', action: status, incident, ...(action === 'Create' ? { whenOpen: 'team_added' as const } : {}) }];
  }
  const note = (noteAction: NoteAction, text: string) => [{ ...base, kind: 'note' as const, action: noteAction, incident: ref, text }];
  switch (action) {
    case 'AddNote':
      return note('annotated', alert.optionalString('note') ?? '');
    case 'AddRecipient': {
      const recipient = alert.optionalString('recipient');
      return recipient ? [{ ...base, kind: 'responder', action: 'responder_added', incident: ref, responder: person(recipient) }] : note('custom_action', 'Recipient added');
    }
    case 'Escalate': {
      const notify = root.optionalObject('escalationNotify');
      const name = notify?.optionalString('name');
      const escalation = root.optionalString('escalationName') ?? 'an escalation';
      if (name && notify?.optionalString('entity') === 'user') return [{ ...base, kind: 'responder', action: 'responder_added', incident: ref, responder: person(name), message: `Escalated by ${escalation}` }];
      return note('custom_action', `Escalated by ${escalation}${name ? ` to ${name}` : ''}`);
    }
    case 'AddTeam':
      return note('team_added', alert.optionalString('team') ?? '');
    case 'AddTags':
      return note('tags_changed', `added: ${alert.optionalString('addedTags') ?? ''}`);
    case 'RemoveTags':
      return note('tags_changed', `removed: ${alert.optionalString('removedTags') ?? ''}`);
    default:
      return note('custom_action', action);
  }
}

/** Opsgenie names people by username, which is usually their e-mail address. */
function person(username: string): Actor {
  return { kind: 'user', name: username, id: username, ...(username.includes('@') ? { email: username } : {}) };
}

function stringsIn(raw: unknown): string[] {
  return Array.isArray(raw) ? raw.filter((t): t is string => typeof t === 'string').map((t) => t.trim()).filter((t) => t !== '') : [];
}

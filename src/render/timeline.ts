import type { AlertState, EventAction, IncidentEvent } from '../incident/incident-event';
import { formatTime } from './format-time';
import { names, statusLook } from './incident-text';
import { inlineText, link, quotedText, safeUrl } from './markdown';

const ACTION_WORDS: Record<EventAction, string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  unacknowledged: 'Unacknowledged',
  resolved: 'Resolved',
  reopened: 'Reopened',
  assigned: 'Reassigned',
  escalated: 'Escalated',
  delegated: 'Delegated',
  priority_updated: 'Priority changed',
  service_updated: 'Moved to another service',
  incident_type_changed: 'Incident type changed',
  annotated: 'Note added',
  status_update_published: 'Status update',
  conference_bridge_updated: 'Conference bridge',
  team_added: 'Team added',
  tags_changed: 'Tags changed',
  custom_action: 'Action',
  responder_added: 'Responder requested',
  responder_replied: 'Responder replied',
  group_firing: 'Alerts firing',
  group_resolved: 'Alerts resolved',
};

/** What changed in an alert group since the channel last reported it. */
export interface AlertChanges {
  readonly added: readonly AlertState[];
  readonly resolved: readonly AlertState[];
  readonly firing: number;
  readonly truncated: number;
}

const MAX_ALERTS_LISTED = 10;

/**
 * One timeline line: what happened, who did it, when; then the notes. `meaning` is what the event means when that
 * is not its action (a trigger of an incident already open), told as a note is.
 */
export function timelineLine(event: IncidentEvent, extra: readonly string[] = [], alerts?: AlertChanges, meaning?: EventAction): string {
  const words: string[] = [`**${ACTION_WORDS[meaning ?? event.action]}**`];
  let emoji = '📝';
  switch (event.kind) {
    case 'status': {
      if (meaning) break;
      const { incident } = event;
      emoji = statusLook(incident.status, incident.source).emoji;
      if (event.action === 'assigned' || event.action === 'escalated' || event.action === 'delegated') words.push(`to ${names(incident.assignees)}`);
      if (event.action === 'priority_updated') words.push(`to ${incident.priority ? inlineText(incident.priority, 40) : 'none'}`);
      if (event.action === 'service_updated' && incident.service) words.push(`to ${inlineText(incident.service.name, 100)}`);
      if (event.action === 'resolved' && incident.resolveReason) words.push(`(${inlineText(incident.resolveReason, 100)})`);
      break;
    }
    case 'responder':
      words.push(`${inlineText(event.responder.name, 80)}${event.state ? ` (${inlineText(event.state, 30)})` : ''}`);
      break;
    case 'note':
      break;
    case 'alerts':
      emoji = alerts && alerts.firing === 0 ? '🟢' : '🔴';
      words[0] = alerts ? alertsHeadline(alerts) : words[0];
      break;
    default:
      event satisfies never;
  }
  if (event.agent && event.kind !== 'alerts') words.push(`by ${inlineText(event.agent.name, 80)}`);
  let line = `${emoji} ${words.join(' ')} · ${formatTime(event.occurredAt)}`;
  if (alerts) for (const sentence of alertLines(alerts)) line += `\n${sentence}`;
  for (const sentence of extra) line += `\n${sentence}`;
  if (event.kind === 'note' && event.text) {
    // A bridge is for joining: a link when it is a safe http(s) URL, inert text otherwise.
    const bridge = event.action === 'conference_bridge_updated' ? safeUrl(event.text) : undefined;
    line += `\n${bridge ? link('Join the conference bridge', bridge) : quotedText(event.text)}`;
  }
  if (event.kind === 'responder' && event.message) line += `\n${quotedText(event.message)}`;
  return line;
}

function alertsHeadline({ firing, resolved }: AlertChanges): string {
  if (firing === 0) return '**All alerts resolved**';
  if (resolved.length > 0) return `**${resolved.length} resolved, ${firing} still firing**`;
  return `**${firing} ${firing === 1 ? 'alert' : 'alerts'} firing**`;
}

function alertLines({ added, resolved, truncated }: AlertChanges): string[] {
  const list = (alerts: readonly AlertState[]) => {
    const shown = alerts.slice(0, MAX_ALERTS_LISTED).map((a) => link(a.name, a.url, 120));
    return alerts.length > MAX_ALERTS_LISTED ? `${shown.join(', ')} and ${alerts.length - MAX_ALERTS_LISTED} more` : shown.join(', ');
  };
  return [
    ...(added.length > 0 ? [`New: ${list(added)}`] : []),
    ...(resolved.length > 0 ? [`Resolved: ${list(resolved)}`] : []),
    ...(truncated > 0 ? [`${truncated} more ${truncated === 1 ? 'alert was' : 'alerts were'} not shown by the sender (its max_alerts): the group is not resolved from a message that leaves alerts out.`] : []),
  ];
}

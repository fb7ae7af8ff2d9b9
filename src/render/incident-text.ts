import { OWNED_PURPOSE_MARK } from '../incident/channel-name';
import type { Actor, EventAction, IncidentDetails, IncidentEvent, IncidentRef, IncidentStatus } from '../incident/incident-event';
import { formatTime } from './format-time';
import { inlineText, link, plainText, quotedText, runeLength, safeUrl, truncateRunes } from './markdown';

/** Server limits (mattermost-api.md §2). */
export const MAX_HEADER_RUNES = 1024;
export const MAX_DISPLAY_NAME_RUNES = 64;
export const MAX_PURPOSE_RUNES = 250;

export const STATUS_LOOK: Record<IncidentStatus, { emoji: string; label: string; color: string }> = {
  triggered: { emoji: '🔴', label: 'Triggered', color: '#d0021b' },
  acknowledged: { emoji: '🟠', label: 'Acknowledged', color: '#f5a623' },
  resolved: { emoji: '🟢', label: 'Resolved', color: '#2eb886' },
};

export function statusLook(status: IncidentStatus | undefined) {
  return status ? STATUS_LOOK[status] : { emoji: '⚪', label: 'Unknown', color: '#8a8a8a' };
}

export function displayName(incident: IncidentDetails | IncidentRef): string {
  const number = 'number' in incident && incident.number !== undefined ? `#${incident.number}` : incident.id;
  const title = incident.title && incident.title !== number ? ` ${incident.title}` : '';
  return plainText(`${number}${title}`, MAX_DISPLAY_NAME_RUNES) || plainText(`Incident ${incident.id}`, MAX_DISPLAY_NAME_RUNES);
}

export function purpose(incidentId: string, previousChannel?: string): string {
  const earlier = previousChannel ? ` · reopened from ~${previousChannel}` : '';
  return truncateRunes(`PagerDuty incident ${plainText(incidentId, 40)}${earlier} · ${OWNED_PURPOSE_MARK}`, MAX_PURPOSE_RUNES);
}

/** `Incident #1042 (PT4KHLK)`, as plain text: callers make it inert for where it goes. */
export function incidentLabel(incident: { id: string; number?: number }): string {
  return `Incident ${incident.number !== undefined ? `#${incident.number} ` : ''}(${truncateRunes(incident.id, 40)})`;
}

/** An attachment's title: Mattermost renders its links, so the text is made inert as Markdown. */
export function attachmentTitle(incident: IncidentDetails): string {
  return inlineText(`${incidentLabel(incident)}: ${incident.title}`, 300);
}

/**
 * The channel header: status with a colour cue, the incident link and title, then urgency, priority, service,
 * created and last-update times. The title is shortened until the whole fits the server's 1024 runes.
 */
export function channelHeader(incident: IncidentDetails, status: IncidentStatus | undefined, lastUpdate: string): string {
  const look = statusLook(status ?? incident.status);
  const facts = [
    incident.urgency && `**Urgency:** ${inlineText(incident.urgency, 40)}`,
    incident.priority && `**Priority:** ${inlineText(incident.priority, 40)}`,
    incident.service && `**Service:** ${link(incident.service.name, incident.service.htmlUrl, 100)}`,
    incident.createdAt && `**Created:** ${formatTime(incident.createdAt)}`,
    `**Last update:** ${formatTime(lastUpdate)}`,
  ].filter(Boolean);
  const build = (titleRunes: number) =>
    `${look.emoji} **${look.label}** · ${link(incidentLabel(incident), incident.htmlUrl)} · ${inlineText(incident.title, titleRunes)}\n${facts.join(' · ')}`;
  let titleRunes = 300;
  let header = build(titleRunes);
  while (runeLength(header) > MAX_HEADER_RUNES && titleRunes > 10) header = build((titleRunes = Math.floor(titleRunes / 2)));
  return truncateRunes(header, MAX_HEADER_RUNES);
}

/** Names of people, the first twenty of them at most: a payload can name thousands. */
export function names(actors: readonly Actor[]): string {
  if (actors.length === 0) return 'nobody';
  const named = actors.slice(0, 20).map((a) => inlineText(a.name, 80)).join(', ');
  return actors.length > 20 ? `${named} and ${actors.length - 20} more` : named;
}

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
  responder_added: 'Responder requested',
  responder_replied: 'Responder replied',
};

/** One timeline line: what happened, who did it, when. */
export function timelineLine(event: IncidentEvent, extra: readonly string[] = []): string {
  const words: string[] = [`**${ACTION_WORDS[event.action]}**`];
  switch (event.kind) {
    case 'status': {
      const { incident } = event;
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
    default:
      event satisfies never;
  }
  if (event.agent) words.push(`by ${inlineText(event.agent.name, 80)}`);
  const status = event.kind === 'status' ? statusLook(event.incident.status).emoji : '📝';
  let line = `${status} ${words.join(' ')} · ${formatTime(event.occurredAt)}`;
  for (const sentence of extra) line += `\n${sentence}`;
  if (event.kind === 'note' && event.text) {
    // A bridge is for joining: a link when it is a safe http(s) URL, inert text otherwise.
    const bridge = event.action === 'conference_bridge_updated' ? safeUrl(event.text) : undefined;
    line += `\n${bridge ? link('Join the conference bridge', bridge) : quotedText(event.text)}`;
  }
  if (event.kind === 'responder' && event.message) line += `\n${quotedText(event.message)}`;
  return line;
}

export interface Attachment {
  fallback: string;
  color: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: { title: string; value: string; short: boolean }[];
  footer?: string;
}

/** The opening post's attachment: the incident at a glance. */
export function incidentAttachment(incident: IncidentDetails, status: IncidentStatus | undefined): Attachment {
  const look = statusLook(status ?? incident.status);
  const fields = [
    { title: 'Status', value: `${look.emoji} ${look.label}`, short: true },
    { title: 'Urgency', value: incident.urgency ? inlineText(incident.urgency, 40) : '—', short: true },
    { title: 'Priority', value: incident.priority ? inlineText(incident.priority, 40) : '—', short: true },
    { title: 'Service', value: incident.service ? link(incident.service.name, incident.service.htmlUrl, 100) : '—', short: true },
    { title: 'Assigned to', value: names(incident.assignees), short: false },
  ];
  return {
    fallback: plainText(`${incidentLabel(incident)} ${look.label}: ${incident.title}`, 300),
    color: look.color,
    title: attachmentTitle(incident),
    title_link: safeUrl(incident.htmlUrl),
    fields,
    footer: incident.createdAt ? `Created ${formatTime(incident.createdAt)}` : undefined,
  };
}


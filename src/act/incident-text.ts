import type { Actor, IncidentDetails, IncidentEvent, IncidentRef, IncidentStatus } from '../parse/incident-event';
import type { ResolutionStats } from '../decide/resolution-stats';
import { formatDuration, formatTime } from './duration';
import { inlineText, link, plainText, quotedText, runeLength, safeUrl, truncateRunes } from './markdown';

/** Server limits (mattermost-api.md §2). */
export const MAX_HEADER_RUNES = 1024;
export const MAX_DISPLAY_NAME_RUNES = 64;
export const MAX_PURPOSE_RUNES = 250;

/** Marks the channels this tool created, so it never archives or changes anyone else's. */
export const OWNED_PURPOSE_MARK = 'managed by mattermost-incident';

/** Channels this tool made carry its mark; the Ruby recipe's carry its display name, `Incident <ID>`. */
export function isOwnChannel(channel: { purpose: string; display_name: string }, incidentId: string): boolean {
  return channel.purpose.includes(OWNED_PURPOSE_MARK) || channel.display_name === `Incident ${incidentId}`;
}

const STATUS_LOOK: Record<IncidentStatus, { emoji: string; label: string; color: string }> = {
  triggered: { emoji: '🔴', label: 'Triggered', color: '#d0021b' },
  acknowledged: { emoji: '🟠', label: 'Acknowledged', color: '#f5a623' },
  resolved: { emoji: '🟢', label: 'Resolved', color: '#2eb886' },
};

function statusLook(status: IncidentStatus | undefined) {
  return status ? STATUS_LOOK[status] : { emoji: '⚪', label: 'Unknown', color: '#8a8a8a' };
}

/** The recipe's channel name, so channels it made are found again. */
export function channelName(incidentId: string, sequence = 1): string {
  const base = `incident-${incidentId.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`.slice(0, 60);
  return sequence > 1 ? `${base}-${sequence}` : base;
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

function incidentLabel(incident: { id: string; number?: number }): string {
  return `Incident ${incident.number !== undefined ? `#${incident.number} ` : ''}(${inlineText(incident.id, 40)})`;
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
    incident.service && `**Service:** ${link(inlineText(incident.service.name, 100), incident.service.htmlUrl)}`,
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

function names(actors: readonly Actor[]): string {
  return actors.length > 0 ? actors.map((a) => inlineText(a.name, 80)).join(', ') : 'nobody';
}

const ACTION_WORDS: Record<IncidentEvent['action'], string> = {
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
    { title: 'Service', value: incident.service ? link(inlineText(incident.service.name, 100), incident.service.htmlUrl) : '—', short: true },
    { title: 'Assigned to', value: names(incident.assignees), short: false },
  ];
  return {
    fallback: `${incidentLabel(incident)} ${look.label}: ${inlineText(incident.title)}`,
    color: look.color,
    // Attachment titles are not rendered as Markdown: plain text, mentions defused.
    title: plainText(`Incident ${incident.number !== undefined ? `#${incident.number} ` : ''}(${incident.id}): ${incident.title}`, 300),
    title_link: safeUrl(incident.htmlUrl),
    fields,
    footer: incident.createdAt ? `Created ${formatTime(incident.createdAt)}` : undefined,
  };
}

export interface ResolutionFacts {
  readonly incident: IncidentDetails;
  readonly channelName: string;
  readonly stats: ResolutionStats;
  /** A sentence about the attached transcript, when there is one. */
  readonly transcriptNote?: string;
}

function durationOrUnknown(ms: number | undefined): string {
  return ms === undefined ? 'unknown' : formatDuration(ms);
}

/**
 * The announcement for the team: a message naming the incident, how long it took, why and by whom it was
 * resolved (what notifications show), and an attachment with the figures an incident review starts from.
 */
export function resolutionAnnouncement(facts: ResolutionFacts): { message: string; attachment: Attachment } {
  const { incident, stats } = facts;
  const label = `${incidentLabel(incident)} ${inlineText(incident.title)}`;
  const lines = [`#### 🟢 ${link(label, incident.htmlUrl)} has been resolved`, `**Resolution time:** ${durationOrUnknown(stats.timeToResolveMs)}`];
  if (incident.resolveReason) lines.push(`**Resolve reason:** ${inlineText(incident.resolveReason, 200)}`);
  if (stats.resolvedBy) lines.push(`**Resolved by:** ${inlineText(stats.resolvedBy, 80)}`);
  lines.push(`**Channel:** ~${facts.channelName}`);
  if (facts.transcriptNote) lines.push(facts.transcriptNote);

  const who = (name: string | undefined) => (name ? inlineText(name, 80) : '—');
  const participants = stats.participants.length > 0 ? stats.participants.map((p) => `${inlineText(p.name, 80)} (${p.messages})`).join(', ') : 'nobody';
  const fields = [
    { title: 'Service', value: incident.service ? link(inlineText(incident.service.name, 100), incident.service.htmlUrl) : '—', short: true },
    { title: 'Urgency / priority', value: `${incident.urgency ? inlineText(incident.urgency, 40) : '—'} / ${incident.priority ? inlineText(incident.priority, 40) : '—'}`, short: true },
    { title: 'Time to acknowledge', value: durationOrUnknown(stats.timeToAcknowledgeMs), short: true },
    { title: 'Time to resolve', value: durationOrUnknown(stats.timeToResolveMs), short: true },
    { title: 'Acknowledged by', value: who(stats.acknowledgedBy), short: true },
    { title: 'Resolved by', value: who(stats.resolvedBy), short: true },
    { title: 'Reassignments', value: String(stats.reassignments), short: true },
    { title: 'Escalations', value: String(stats.escalations), short: true },
    { title: 'Messages', value: String(stats.messages), short: true },
    { title: 'Files shared', value: String(stats.files), short: true },
    { title: `Participants (${stats.participants.length})`, value: participants, short: false },
  ];
  const summary = `Incident ${incident.number !== undefined ? `#${incident.number} ` : ''}(${incident.id}) resolved after ${durationOrUnknown(stats.timeToResolveMs)}: ${incident.title}`;
  return {
    message: lines.join('\n'),
    attachment: {
      fallback: plainText(summary, 300),
      color: STATUS_LOOK.resolved.color,
      title: plainText(`Incident ${incident.number !== undefined ? `#${incident.number} ` : ''}(${incident.id}): ${incident.title}`, 300),
      title_link: safeUrl(incident.htmlUrl),
      fields,
      footer: stats.triggeredAt ? `Triggered ${formatTime(stats.triggeredAt)} · resolved ${formatTime(stats.resolvedAt)}` : `Resolved ${formatTime(stats.resolvedAt)}`,
    },
  };
}

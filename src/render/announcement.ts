import type { ResolutionStats } from '../decide/resolution-stats';
import type { IncidentDetails } from '../incident/incident-event';
import { formatDuration, formatTime } from './format-time';
import { STATUS_LOOK, attachmentTitle, incidentLabel } from './incident-text';
import type { Attachment } from './opening-post';
import { inlineText, link, plainText, safeUrl } from './markdown';

export interface ResolutionFacts {
  readonly incident: IncidentDetails;
  readonly channelName: string;
  readonly stats: ResolutionStats;
  /** A sentence about the attached transcript, when there is one. */
  readonly transcriptNote?: string;
  /** The Jira issue filed for the incident from Mattermost. */
  readonly jira?: { readonly key: string; readonly url: string };
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
  const label = `${incidentLabel(incident)} ${incident.title}`;
  const lines = [`#### 🟢 ${link(label, incident.htmlUrl)} has been resolved`, `**Resolution time:** ${durationOrUnknown(stats.timeToResolveMs)}`];
  if (incident.resolveReason) lines.push(`**Resolve reason:** ${inlineText(incident.resolveReason, 200)}`);
  if (stats.resolvedBy) lines.push(`**Resolved by:** ${inlineText(stats.resolvedBy, 80)}`);
  lines.push(`**Channel:** ~${facts.channelName}`);
  if (facts.jira) lines.push(`**Jira:** ${link(facts.jira.key, facts.jira.url, 40)}`);
  if (facts.transcriptNote) lines.push(facts.transcriptNote);

  const who = (name: string | undefined) => (name ? inlineText(name, 80) : '—');
  const participants = stats.participants.length > 0 ? stats.participants.map((p) => `${inlineText(p.name, 80)} (${p.messages})`).join(', ') : 'nobody';
  const fields = [
    { title: 'Service', value: incident.service ? link(incident.service.name, incident.service.htmlUrl, 100) : '—', short: true },
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
      title: attachmentTitle(incident),
      title_link: safeUrl(incident.htmlUrl),
      fields,
      footer: stats.triggeredAt ? `Triggered ${formatTime(stats.triggeredAt)} · resolved ${formatTime(stats.resolvedAt)}` : `Resolved ${formatTime(stats.resolvedAt)}`,
    },
  };
}

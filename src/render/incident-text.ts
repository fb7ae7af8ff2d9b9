import { OWNED_PURPOSE_MARK } from '../incident/channel-name';
import { type Actor, type IncidentDetails, type IncidentRef, type IncidentStatus, SOURCE_LABELS, type SourceId } from '../incident/incident-event';
import { formatTime } from './format-time';
import { inlineText, link, plainText, runeLength, truncateRunes } from './markdown';

/** Server limits (mattermost-api.md §2). */
export const MAX_HEADER_RUNES = 1024;
export const MAX_DISPLAY_NAME_RUNES = 64;
export const MAX_PURPOSE_RUNES = 250;

export const STATUS_LOOK: Record<IncidentStatus, { emoji: string; label: string; color: string }> = {
  triggered: { emoji: '🔴', label: 'Triggered', color: '#d0021b' },
  acknowledged: { emoji: '🟠', label: 'Acknowledged', color: '#f5a623' },
  resolved: { emoji: '🟢', label: 'Resolved', color: '#2eb886' },
};

/** The status as a colour, an emoji and a word; alert groups fire rather than trigger. */
export function statusLook(status: IncidentStatus | undefined, source?: SourceId) {
  if (!status) return { emoji: '⚪', label: 'Unknown', color: '#8a8a8a' };
  if (status === 'triggered' && (source === 'alertmanager' || source === 'grafana')) return { ...STATUS_LOOK.triggered, label: 'Firing' };
  return STATUS_LOOK[status];
}

export function displayName(incident: IncidentDetails | IncidentRef): string {
  const numbered = 'number' in incident && incident.number !== undefined;
  // An alert group has no number, and its id says nothing to people: its summary is its name.
  if (!numbered && incident.source && incident.source !== 'pagerduty' && incident.title) return plainText(incident.title, MAX_DISPLAY_NAME_RUNES);
  const number = numbered ? `#${(incident as IncidentDetails).number}` : incident.id;
  const title = incident.title && incident.title !== number ? ` ${incident.title}` : '';
  return plainText(`${number}${title}`, MAX_DISPLAY_NAME_RUNES) || plainText(`Incident ${incident.id}`, MAX_DISPLAY_NAME_RUNES);
}

export function purpose(incident: Pick<IncidentDetails, 'id' | 'source'>, previousChannel?: string): string {
  const earlier = previousChannel ? ` · reopened from ~${previousChannel}` : '';
  const what = incident.source && incident.source !== 'pagerduty' ? `${SOURCE_LABELS[incident.source]} alerts ${plainText(incident.id, 40)}` : `PagerDuty incident ${plainText(incident.id, 40)}`;
  return truncateRunes(`${what}${earlier} · ${OWNED_PURPOSE_MARK}`, MAX_PURPOSE_RUNES);
}

/**
 * `Incident #1042 (PT4KHLK)` for PagerDuty, `Opsgenie alert #23`, `Alertmanager alerts`: plain text, which
 * callers make inert for where it goes.
 */
export function incidentLabel(incident: { id: string; number?: number; source?: SourceId }): string {
  const source = incident.source ?? 'pagerduty';
  switch (source) {
    case 'pagerduty':
      return `Incident ${incident.number !== undefined ? `#${incident.number} ` : ''}(${truncateRunes(incident.id, 40)})`;
    case 'opsgenie':
      return `Opsgenie alert${incident.number !== undefined ? ` #${incident.number}` : ''}`;
    case 'alertmanager':
    case 'grafana':
      return `${SOURCE_LABELS[source]} alerts`;
    default:
      return source satisfies never;
  }
}

/** How many alerts a group has firing, of how many the channel knows, and how many the sender did not show. */
export interface AlertCounts {
  readonly firing: number;
  readonly total: number;
  readonly truncated: number;
}

/** Names of people, the first twenty of them at most: a payload can name thousands. */
export function names(actors: readonly Actor[]): string {
  if (actors.length === 0) return 'nobody';
  const named = actors.slice(0, 20).map((a) => inlineText(a.name, 80)).join(', ');
  return actors.length > 20 ? `${named} and ${actors.length - 20} more` : named;
}

/** An attachment's title: Mattermost renders its links, so the text is made inert as Markdown. */
export function attachmentTitle(incident: IncidentDetails): string {
  return inlineText(`${incidentLabel(incident)}: ${incident.title}`, 300);
}

/**
 * The channel header: status with a colour cue, the incident link and title, then urgency, priority, service,
 * an alert group's counts, common labels and links, created and last-update times. The title is shortened until
 * the whole fits the server's 1024 runes.
 */
export function channelHeader(incident: IncidentDetails, status: IncidentStatus | undefined, lastUpdate: string, alerts?: AlertCounts, acknowledgedBy?: string): string {
  const look = statusLook(status ?? incident.status, incident.source);
  const labels = alerts ? Object.entries(incident.labels ?? {}).slice(0, 5) : [];
  const facts = [
    alerts && `**Alerts:** ${alerts.firing} firing of ${alerts.total}${alerts.truncated > 0 ? `, ${alerts.truncated} more not shown by the sender` : ''}`,
    incident.urgency && `**${alerts ? 'Severity' : 'Urgency'}:** ${inlineText(incident.urgency, 40)}`,
    incident.priority && `**Priority:** ${inlineText(incident.priority, 40)}`,
    incident.service && `**Service:** ${link(incident.service.name, incident.service.htmlUrl, 100)}`,
    labels.length > 0 && `**Labels:** ${labels.map(([k, v]) => inlineText(`${k}=${v}`, 60)).join(', ')}`,
    ...(incident.links ?? []).slice(0, 2).map((l) => link(l.label, l.url, 40)),
    incident.createdAt && `**${alerts ? 'Started' : 'Created'}:** ${formatTime(incident.createdAt)}`,
    `**Last update:** ${formatTime(lastUpdate)}`,
  ].filter(Boolean);
  const build = (titleRunes: number) =>
    `${look.emoji} **${look.label}**${acknowledgedBy ? ` by ${inlineText(acknowledgedBy, 60)}` : ''} · ${link(incidentLabel(incident), incident.htmlUrl)} · ${inlineText(incident.title, titleRunes)}\n${facts.join(' · ')}`;
  let titleRunes = 300;
  let header = build(titleRunes);
  while (runeLength(header) > MAX_HEADER_RUNES && titleRunes > 10) header = build((titleRunes = Math.floor(titleRunes / 2)));
  return truncateRunes(header, MAX_HEADER_RUNES);
}

/** Names of people, the first twenty of them at most: a payload can name thousands. */

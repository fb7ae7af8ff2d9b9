import type { AlertState, IncidentDetails, IncidentStatus } from '../incident/incident-event';
import { formatTime } from './format-time';
import { attachmentTitle, incidentLabel, names, statusLook } from './incident-text';
import { inlineText, link, plainText, safeUrl } from './markdown';

export interface Attachment {
  fallback: string;
  color: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: { title: string; value: string; short: boolean }[];
  image_url?: string;
  footer?: string;
}

/** The opening post's attachment: the incident at a glance; for an alert group, its alerts too. */
export function incidentAttachment(incident: IncidentDetails, status: IncidentStatus | undefined, alerts?: readonly AlertState[]): Attachment {
  const look = statusLook(status ?? incident.status, incident.source);
  const group = alerts !== undefined;
  const fields = [
    { title: 'Status', value: `${look.emoji} ${look.label}`, short: true },
    { title: group ? 'Severity' : 'Urgency', value: incident.urgency ? inlineText(incident.urgency, 40) : '—', short: true },
    ...(group ? [] : [{ title: 'Priority', value: incident.priority ? inlineText(incident.priority, 40) : '—', short: true }]),
    { title: 'Service', value: incident.service ? link(incident.service.name, incident.service.htmlUrl, 100) : '—', short: true },
    ...(group ? [{ title: `Alerts (${alerts.length})`, value: alertList(alerts), short: false }] : [{ title: 'Assigned to', value: names(incident.assignees), short: false }]),
    ...(incident.details ?? []).slice(0, 6).map((d) => ({ title: plainText(d.title, 40), value: inlineText(d.value, 1000), short: false })),
    ...((incident.links ?? []).length > 0 ? [{ title: 'Links', value: (incident.links ?? []).map((l) => link(l.label, l.url, 40)).join(' · '), short: false }] : []),
  ];
  return {
    fallback: plainText(`${incidentLabel(incident)} ${look.label}: ${incident.title}`, 300),
    color: look.color,
    title: attachmentTitle(incident),
    title_link: safeUrl(incident.htmlUrl),
    fields,
    image_url: safeUrl(incident.imageUrl),
    footer: incident.createdAt ? `${group ? 'Started' : 'Created'} ${formatTime(incident.createdAt)}` : undefined,
  };
}

function alertList(alerts: readonly AlertState[]): string {
  const shown = alerts.slice(0, 10).map((a) => `${a.status === 'firing' ? '🔴' : '🟢'} ${link(a.name, a.url, 120)}`);
  return alerts.length > 10 ? `${shown.join('\n')}\nand ${alerts.length - 10} more` : shown.join('\n') || '—';
}

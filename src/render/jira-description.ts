import type { IncidentStatus } from '../incident/incident-event';
import type { IncidentSnapshot } from '../incident/incident-snapshot';
import { incidentLabel, statusLook } from './incident-text';

export interface IssueFacts {
  readonly incident: IncidentSnapshot;
  readonly status?: IncidentStatus;
  /** The incident channel's page in Mattermost. */
  readonly channelUrl: string;
  readonly channelName: string;
  /** The timeline so far, oldest first, one line each. */
  readonly timeline: readonly string[];
}

const MAX_TIMELINE = 50;
const MAX_SUMMARY = 250;

/** Jira's summary is one line of at most 255 characters. */
export function issueSummary(incident: IncidentSnapshot): string {
  const text = `${incidentLabel(incident)}: ${incident.title}`.replace(/[\r\n]+/g, ' ');
  const chars = Array.from(text);
  return chars.length > MAX_SUMMARY ? `${chars.slice(0, MAX_SUMMARY - 1).join('')}…` : text;
}

function factLines(facts: IssueFacts): { label: string; text: string; href?: string }[] {
  const { incident } = facts;
  return [
    { label: 'Incident', text: incident.htmlUrl ?? incident.id, href: incident.htmlUrl },
    { label: 'Status', text: statusLook(facts.status, incident.source).label },
    ...(incident.service ? [{ label: 'Service', text: incident.service.name, href: incident.service.htmlUrl }] : []),
    ...(incident.urgency ? [{ label: 'Urgency', text: incident.urgency }] : []),
    ...(incident.priority ? [{ label: 'Priority', text: incident.priority }] : []),
    { label: 'Channel', text: `~${facts.channelName}`, href: facts.channelUrl },
  ];
}

/** Jira Cloud's description: an Atlassian Document Format document (text nodes are literal, links are marks). */
export function adfDescription(facts: IssueFacts): object {
  const text = (value: string, href?: string) => ({ type: 'text', text: value, ...(href ? { marks: [{ type: 'link', attrs: { href } }] } : {}) });
  const facts_ = factLines(facts).map((f) => ({ type: 'paragraph', content: [{ type: 'text', text: `${f.label}: `, marks: [{ type: 'strong' }] }, text(f.text, f.href)] }));
  const timeline = facts.timeline.slice(-MAX_TIMELINE);
  return {
    type: 'doc',
    version: 1,
    content: [
      ...facts_,
      ...(timeline.length > 0
        ? [
            { type: 'heading', attrs: { level: 3 }, content: [text('Timeline so far')] },
            { type: 'bulletList', content: timeline.map((line) => ({ type: 'listItem', content: [{ type: 'paragraph', content: [text(line)] }] })) },
          ]
        : []),
    ],
  };
}

/** Jira Data Center's description: plain text (v2 takes a string). */
export function textDescription(facts: IssueFacts): string {
  const lines = factLines(facts).map((f) => `${f.label}: ${f.href && f.href !== f.text ? `${f.text} (${f.href})` : f.text}`);
  const timeline = facts.timeline.slice(-MAX_TIMELINE).map((line) => `* ${line}`);
  return [...lines, ...(timeline.length > 0 ? ['', 'Timeline so far:', ...timeline] : [])].join('\n');
}

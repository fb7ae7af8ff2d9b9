import type { IncidentDetails, SourceId } from './incident-event';

/**
 * The incident as last reported, kept small in the ledger so that an action from Mattermost (a Jira issue, an
 * alert group's acknowledge or silence, `/incident info`) knows it from the channel alone.
 */
export interface IncidentSnapshot {
  readonly source: SourceId;
  readonly id: string;
  readonly number?: number;
  readonly title: string;
  readonly htmlUrl?: string;
  readonly urgency?: string;
  readonly priority?: string;
  readonly service?: { readonly name: string; readonly htmlUrl?: string; readonly id?: string };
  readonly createdAt?: string;
  readonly channelBase?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly links?: readonly { readonly label: string; readonly url: string }[];
}

const MAX_TEXT = 300;
const MAX_URL = 2048;
const MAX_LABELS = 30;
const MAX_LINKS = 6;

const cut = (text: string | undefined, max: number) => (text === undefined ? undefined : Array.from(text).slice(0, max).join(''));

export function snapshotOf(incident: IncidentDetails): IncidentSnapshot {
  const labels = Object.entries(incident.labels ?? {}).slice(0, MAX_LABELS).map(([k, v]) => [cut(k, 100)!, cut(v, MAX_TEXT)!]);
  return {
    source: incident.source ?? 'pagerduty',
    id: incident.id,
    number: incident.number,
    title: cut(incident.title, MAX_TEXT)!,
    htmlUrl: cut(incident.htmlUrl, MAX_URL),
    urgency: cut(incident.urgency, 40),
    priority: cut(incident.priority, 40),
    service: incident.service ? { name: cut(incident.service.name, 100)!, htmlUrl: cut(incident.service.htmlUrl, MAX_URL), id: cut(incident.service.id, 128) } : undefined,
    createdAt: incident.createdAt,
    channelBase: incident.channelBase,
    labels: labels.length > 0 ? Object.fromEntries(labels) : undefined,
    links: incident.links?.slice(0, MAX_LINKS).map((l) => ({ label: cut(l.label, 40)!, url: cut(l.url, MAX_URL)! })),
  };
}

/** The snapshot as the details an event carries: no people, nothing more than was kept. */
export function detailsOf(snapshot: IncidentSnapshot): IncidentDetails {
  return { ...snapshot, assignees: [], acknowledgers: [] };
}

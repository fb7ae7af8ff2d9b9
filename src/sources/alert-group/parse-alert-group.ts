import { createHash } from 'node:crypto';
import { PayloadError } from '../../errors';
import type { AlertGroupEvent, AlertState, IgnoredMessage, IncidentDetails, Link } from '../../incident/incident-event';
import { JsonReader } from '../json-reader';

/** What the Alertmanager and Grafana parsers share; Grafana's body is Alertmanager's with more fields. */
export interface AlertGroupOptions {
  readonly source: 'alertmanager' | 'grafana';
  /** The channel names' prefix: `am`, `grafana`. */
  readonly prefix: string;
  readonly receivedAt: string;
  /** The label that says how urgent an alert is, and the labels that name its service, first found wins. */
  readonly severityLabel: string;
  readonly serviceLabels: readonly string[];
}

/** What only Grafana adds to the identity and the incident (its org, title, message, links, values). */
export interface GroupExtras {
  readonly identity: string;
  readonly title?: string;
  readonly links: readonly Link[];
  readonly details: readonly { title: string; value: string }[];
  readonly imageUrl?: string;
}

const ZERO_TIME = /^0001-01-01T00:00:00/;
const MAX_ALERTS = 1000;
const MAX_LINKS = 6;

export interface ParsedGroup {
  readonly root: JsonReader;
  readonly alerts: JsonReader[];
}

/** The message's envelope, checked: a group key, a receiver and a list of alerts. */
export function readGroup(body: unknown, sender: string): ParsedGroup {
  const root = JsonReader.root(body, '');
  if (!root.has('groupKey') || !root.has('alerts')) throw new PayloadError(`not a ${sender} webhook message: expected "groupKey" and "alerts" (a custom payload template is not supported)`);
  const alerts = root.objects('alerts');
  if (alerts.length > MAX_ALERTS) throw new PayloadError(`alerts: ${alerts.length} alerts, more than the ${MAX_ALERTS} one message may hold`);
  return { root, alerts };
}

/** One message of an alert group as an event: the group's identity, what it shows now, and a content id. */
export function alertGroupEvent(group: ParsedGroup, options: AlertGroupOptions, extras: GroupExtras): AlertGroupEvent | IgnoredMessage {
  const { root, alerts } = group;
  const status = root.string('status');
  if (status !== 'firing' && status !== 'resolved') throw new PayloadError(`status: must be "firing" or "resolved", got "${status.slice(0, 40)}"`);
  const groupKey = root.string('groupKey');
  // The receiver arrives regex-quoted (`web\\.hook`): the name as configured is the one shown.
  const receiver = (root.optionalString('receiver') ?? '').replace(/\\(.)/g, '$1');
  const externalUrl = root.optionalString('externalURL');
  const common = labels(root.optionalObject('commonLabels'));
  const groupLabels = labels(root.optionalObject('groupLabels'));
  const states = alerts.map((alert, i) => alertState(alert, i));
  const first = alerts[0];
  const firstLabels = labels(first?.optionalObject('labels'));
  const alertname = ruleName(common) ?? ruleName(groupLabels) ?? ruleName(firstLabels) ?? 'alerts';
  const summary = root.optionalObject('commonAnnotations')?.optionalString('summary');
  const identityHash = hash(`${options.source}\n${externalUrl ?? ''}\n${receiver}\n${groupKey}\n${extras.identity}`).slice(0, 10);
  const contentHash = hash(`${identityHash}\n${states.map((a) => `${a.fingerprint} ${a.status} ${a.startsAt} ${a.endsAt ?? ''}`).sort().join('\n')}`).slice(0, 32);
  const severity = common[options.severityLabel] ?? firstLabels[options.severityLabel];
  const serviceLabel = options.serviceLabels.find((l) => common[l] ?? groupLabels[l]);
  const sourceUrls = [...new Set(states.map((a) => a.url).filter((u): u is string => u !== undefined))];
  const links: Link[] = [...extras.links, ...(externalUrl ? [{ label: options.source === 'grafana' ? 'Grafana' : 'Alertmanager', url: externalUrl }] : []), ...sourceUrls.map((url) => ({ label: 'Source', url }))];
  const incident: IncidentDetails = {
    source: options.source,
    id: `${options.prefix}-${identityHash}`,
    title: summary ?? extras.title ?? alertname,
    status: status === 'firing' ? 'triggered' : 'resolved',
    htmlUrl: sourceUrls[0] ?? externalUrl,
    urgency: severity,
    service: serviceLabel ? { name: common[serviceLabel] ?? groupLabels[serviceLabel] } : undefined,
    createdAt: states.map((a) => a.startsAt).sort()[0],
    assignees: [],
    acknowledgers: [],
    channelBase: `${options.prefix}-${slug(alertname)}${slug(alertname) ? '-' : ''}${identityHash.slice(0, 6)}`,
    links: dedupeLinks(links).slice(0, MAX_LINKS),
    labels: { ...groupLabels, ...common },
    details: [...(receiver ? [{ title: 'Receiver', value: receiver }] : []), ...extras.details],
    imageUrl: extras.imageUrl,
  };
  return {
    kind: 'alerts',
    source: options.source,
    action: status === 'firing' ? 'group_firing' : 'group_resolved',
    eventType: `${options.source}.${status}`,
    eventId: `${options.prefix}:${contentHash}`,
    occurredAt: options.receivedAt,
    agent: { kind: 'service', name: options.source === 'grafana' ? 'Grafana' : 'Alertmanager' },
    incident,
    alerts: states,
    truncated: root.optionalNumber('truncatedAlerts') ?? 0,
  };
}

function alertState(alert: JsonReader, i: number): AlertState {
  const status = alert.string('status');
  if (status !== 'firing' && status !== 'resolved') throw new PayloadError(`${alert.at('status')}: must be "firing" or "resolved"`);
  const alertLabels = labels(alert.optionalObject('labels'));
  const fingerprint = alert.optionalId('fingerprint') ?? hash(JSON.stringify(Object.entries(alertLabels).sort())).slice(0, 16);
  const startsAt = alert.optionalTime('startsAt');
  if (!startsAt) throw new PayloadError(`alerts[${i}].startsAt: required`);
  const endsText = alert.optionalString('endsAt');
  const summary = alert.optionalObject('annotations')?.optionalString('summary');
  const name = summary ?? [ruleName(alertLabels), alertLabels.instance].filter(Boolean).join(' on ') ?? fingerprint;
  return {
    fingerprint,
    status,
    startsAt,
    endsAt: endsText && !ZERO_TIME.test(endsText) ? alert.optionalTime('endsAt') : undefined,
    name: name || fingerprint,
    url: alert.optionalString('generatorURL'),
  };
}

/** The rule's name: Grafana moves it to `rulename` on its NoData and Error alerts. */
function ruleName(set: Readonly<Record<string, string>>): string | undefined {
  const name = set.alertname;
  return name === 'DatasourceNoData' || name === 'DatasourceError' ? (set.rulename ?? set.original_alertname ?? name) : name;
}

export function labels(reader: JsonReader | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!reader) return out;
  for (const key of reader.keys()) {
    const value = reader.optionalText(key);
    if (value !== undefined && key.length <= 200) out[key] = value.slice(0, 500);
  }
  return out;
}

function dedupeLinks(links: readonly Link[]): Link[] {
  const seen = new Set<string>();
  return links.filter((l) => l.url && !seen.has(l.url) && seen.add(l.url));
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

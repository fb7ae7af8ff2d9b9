import { createHash } from 'node:crypto';

/** Names and marks of incident channels: what makes a channel the incident's, and the tool's own. */

/** Marks the channels this tool created, so it never archives or changes anyone else's. */
export const OWNED_PURPOSE_MARK = 'managed by mattermost-incident';

/** How many channel names one walk looks at: `incident-<id>`, then `-2`, `-3`, … (reopenings, episodes). */
export const MAX_CHANNELS_PER_INCIDENT = 20;

/**
 * `incident-<id in lower case>`, the recipe's name, for ids such as PagerDuty's (capitals and digits), so channels
 * it made are found again. Any other id gets a readable part and a hash of the exact id, so two ids never share a
 * channel and the name stays within Mattermost's 64 characters.
 */
export function pagerdutyChannelBase(incidentId: string): string {
  if (/^[A-Z0-9]{1,48}$/.test(incidentId)) return `incident-${incidentId.toLowerCase()}`;
  const slug = incidentId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
  const hash = createHash('sha256').update(incidentId).digest('hex').slice(0, 10);
  return `incident-${slug ? `${slug}-` : ''}${hash}`;
}

/** The name of the incident's channel at `sequence`: the base, then `-2`, `-3`, … */
export function channelName(base: string, sequence = 1): string {
  return sequence > 1 ? `${base}-${sequence}` : base;
}

/** The base the source gave the incident, or PagerDuty's shape for its id. */
export function channelBaseOf(incident: { id: string; channelBase?: string }): string {
  return incident.channelBase ?? pagerdutyChannelBase(incident.id);
}

/**
 * Channels this tool made: created by its account, or carrying its mark; the Ruby recipe's carry its display
 * name, `Incident <ID>`. (A member can edit the purpose; the creator stays.)
 */
export function isOwnChannel(channel: { purpose: string; display_name: string; creator_id?: string }, incidentId: string, selfId?: string): boolean {
  return (selfId !== undefined && channel.creator_id === selfId) || channel.purpose.includes(OWNED_PURPOSE_MARK) || channel.display_name === `Incident ${incidentId}`;
}

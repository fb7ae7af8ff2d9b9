import { createHash } from 'node:crypto';

/** Names and marks of incident channels: what makes a channel the incident's, and the tool's own. */

/** Marks the channels this tool created, so it never archives or changes anyone else's. */
export const OWNED_PURPOSE_MARK = 'managed by mattermost-incident';

/** `incident-<id>`, then `-2`, `-3`, … after reopenings the token could not restore. */
export const MAX_CHANNELS_PER_INCIDENT = 20;

/**
 * `incident-<id in lower case>`, the recipe's name, for ids such as PagerDuty's (capitals and digits), so channels
 * it made are found again. Any other id gets a readable part and a hash of the exact id, so two ids never share a
 * channel and the name stays within Mattermost's 64 characters.
 */
export function channelName(incidentId: string, sequence = 1): string {
  const suffix = sequence > 1 ? `-${sequence}` : '';
  if (/^[A-Z0-9]{1,48}$/.test(incidentId)) return `incident-${incidentId.toLowerCase()}${suffix}`;
  const slug = incidentId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 30).replace(/-+$/, '');
  const hash = createHash('sha256').update(incidentId).digest('hex').slice(0, 10);
  return `incident-${slug ? `${slug}-` : ''}${hash}${suffix}`;
}

/**
 * Channels this tool made: created by its account, or carrying its mark; the Ruby recipe's carry its display
 * name, `Incident <ID>`. (A member can edit the purpose; the creator stays.)
 */
export function isOwnChannel(channel: { purpose: string; display_name: string; creator_id?: string }, incidentId: string, selfId?: string): boolean {
  return (selfId !== undefined && channel.creator_id === selfId) || channel.purpose.includes(OWNED_PURPOSE_MARK) || channel.display_name === `Incident ${incidentId}`;
}

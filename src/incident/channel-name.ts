/** Names and marks of incident channels: what makes a channel the incident's, and the tool's own. */

/** Marks the channels this tool created, so it never archives or changes anyone else's. */
export const OWNED_PURPOSE_MARK = 'managed by mattermost-incident';

/** `incident-<id>`, then `-2`, `-3`, … after reopenings the token could not restore. */
export const MAX_CHANNELS_PER_INCIDENT = 20;

/** The recipe's channel name, so channels it made are found again. */
export function channelName(incidentId: string, sequence = 1): string {
  const base = `incident-${incidentId.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`.slice(0, 60);
  return sequence > 1 ? `${base}-${sequence}` : base;
}

/** Channels this tool made carry its mark; the Ruby recipe's carry its display name, `Incident <ID>`. */
export function isOwnChannel(channel: { purpose: string; display_name: string }, incidentId: string): boolean {
  return channel.purpose.includes(OWNED_PURPOSE_MARK) || channel.display_name === `Incident ${incidentId}`;
}

import type { Post } from '@mattermost/types/posts';
import type { IncidentEvent, IncidentStatus } from '../parse/incident-event';

/** Key of the machine-readable record the tool puts in the props of each of its own posts. */
export const PROPS_KEY = 'mattermost_incident';

/** What one of the tool's posts records about the event it was made for. */
export interface TimelineRecord {
  readonly v: 1;
  readonly incident_id: string;
  readonly event_id: string;
  readonly action: IncidentEvent['action'] | 'closed';
  /** The incident's status after the event, when the event says. */
  readonly status?: IncidentStatus;
  readonly occurred_at: string;
  readonly actor?: string;
  /** Mattermost usernames this event brought into the channel. */
  readonly invited?: readonly string[];
}

/** The incident as the channel shows it, derived from the tool's own posts. */
export interface ChannelState {
  readonly records: readonly TimelineRecord[];
  /** The newest record that set a status: what the header shows. */
  readonly latest?: TimelineRecord;
}

export function recordOf(post: Pick<Post, 'props'>): TimelineRecord | undefined {
  const record = (post.props as Record<string, unknown> | undefined)?.[PROPS_KEY] as Partial<TimelineRecord> | undefined;
  if (!record || typeof record !== 'object' || typeof record.event_id !== 'string' || typeof record.occurred_at !== 'string') return undefined;
  return record as TimelineRecord;
}

export function stateFromPosts(posts: Iterable<Pick<Post, 'props'>>): ChannelState {
  const records: TimelineRecord[] = [];
  for (const post of posts) {
    const record = recordOf(post);
    if (record) records.push(record);
  }
  records.sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
  let latest: TimelineRecord | undefined;
  for (const record of records) if (record.status && (!latest || Date.parse(record.occurred_at) >= Date.parse(latest.occurred_at))) latest = record;
  return { records, latest };
}

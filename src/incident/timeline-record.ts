import type { Post } from '@mattermost/types/posts';
import type { EventAction, IncidentStatus } from './incident-event';

/** Key of the machine-readable record the tool puts in the props of each of its own posts. */
export const PROPS_KEY = 'mattermost_incident';

/** What one of the tool's posts records about the event it was made for. */
export interface TimelineRecord {
  readonly v: 1;
  readonly incident_id: string;
  readonly event_id: string;
  readonly action: EventAction | 'closed';
  /** The incident's status after the event, when the event says. */
  readonly status?: IncidentStatus;
  readonly occurred_at: string;
  readonly actor?: string;
  /** Mattermost usernames this event brought into the channel. */
  readonly invited?: readonly string[];
}

/** The record a post carries, if it is one of the tool's and well formed. */
export function recordOf(post: Pick<Post, 'props'>): TimelineRecord | undefined {
  const record = (post.props as Record<string, unknown> | undefined)?.[PROPS_KEY] as Partial<TimelineRecord> | undefined;
  if (!record || typeof record !== 'object' || typeof record.event_id !== 'string' || typeof record.occurred_at !== 'string') return undefined;
  return record as TimelineRecord;
}

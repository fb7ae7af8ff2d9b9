import type { Post } from '@mattermost/types/posts';
import { type TimelineRecord, recordOf } from '../incident/timeline-record';

/** The incident as the channel shows it, derived from the tool's own posts. */
export interface ChannelState {
  readonly records: readonly TimelineRecord[];
  /** The newest record that set a status: what the header shows. */
  readonly latest?: TimelineRecord;
}

export function stateFromPosts(posts: Iterable<Pick<Post, 'props'>>): ChannelState {
  const records: TimelineRecord[] = [];
  for (const post of posts) {
    const record = recordOf(post);
    if (record) records.push(record);
  }
  return stateFromRecords(records);
}

export function stateFromRecords(unordered: readonly TimelineRecord[]): ChannelState {
  const records = [...unordered].sort((a, b) => Date.parse(a.occurred_at) - Date.parse(b.occurred_at));
  let latest: TimelineRecord | undefined;
  for (const record of records) if (record.status && (!latest || Date.parse(record.occurred_at) >= Date.parse(latest.occurred_at))) latest = record;
  return { records, latest };
}

/** Usernames the tool has invited into the channel so far. */
export function invitedSoFar(state: ChannelState | undefined): ReadonlySet<string> {
  return new Set((state?.records ?? []).flatMap((r) => r.invited ?? []).map((u) => u.toLowerCase()));
}

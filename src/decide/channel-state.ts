import type { Post } from '@mattermost/types/posts';
import type { Ledger, TimelineRecord } from '../incident/timeline-record';
import { ledgerFromRecords } from './ledger';

/** The incident as its channel shows it: the ledger of the tool's newest posts. */
export interface ChannelState {
  readonly ledger: Ledger;
  /** When the posts recording events were made (Mattermost's clock), for those read. */
  readonly postedAt: ReadonlyMap<string, number>;
  /** The opening post, when it was among the posts read: its buttons follow the status. */
  readonly openingPost?: Post;
  /** The incident the channel's records are about. */
  readonly incidentId?: string;
}

export function stateFromLedger(ledger: Ledger, postedAt: ReadonlyMap<string, number> = new Map(), openingPost?: Post, incidentId?: string): ChannelState {
  return { ledger, postedAt, ...(openingPost ? { openingPost } : {}), ...(incidentId ? { incidentId } : {}) };
}

/** The state that records alone add up to (channels from before ledgers, and tests). */
export function stateFromRecords(records: readonly TimelineRecord[]): ChannelState {
  return stateFromLedger(ledgerFromRecords(records));
}

/** Usernames the tool has invited into the channel so far. */
export function invitedSoFar(state: ChannelState | undefined): ReadonlySet<string> {
  return new Set((state?.ledger.invited ?? []).map((u) => u.toLowerCase()));
}

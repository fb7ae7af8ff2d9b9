import type { Ledger, TimelineRecord } from '../incident/timeline-record';
import { ledgerFromRecords } from './ledger';

/** The incident as its channel shows it: the ledger of the tool's newest posts. */
export interface ChannelState {
  readonly ledger: Ledger;
  /** When the posts recording events were made (Mattermost's clock), for those read. */
  readonly postedAt: ReadonlyMap<string, number>;
}

export function stateFromLedger(ledger: Ledger, postedAt: ReadonlyMap<string, number> = new Map()): ChannelState {
  return { ledger, postedAt };
}

/** The state that records alone add up to (channels from before ledgers, and tests). */
export function stateFromRecords(records: readonly TimelineRecord[]): ChannelState {
  return stateFromLedger(ledgerFromRecords(records));
}

/** Usernames the tool has invited into the channel so far. */
export function invitedSoFar(state: ChannelState | undefined): ReadonlySet<string> {
  return new Set((state?.ledger.invited ?? []).map((u) => u.toLowerCase()));
}

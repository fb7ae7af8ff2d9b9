import type { Post } from '@mattermost/types/posts';
import type { EventAction, IncidentStatus } from './incident-event';
import type { IncidentSnapshot } from './incident-snapshot';

/** Key of the machine-readable record the tool puts in the props of each of its own posts. */
export const PROPS_KEY = 'mattermost_incident';

/** Bounds, so a record stays small however long the incident runs. */
export const MAX_LEDGER_EVENTS = 200;
export const MAX_LEDGER_INVITED = 100;

/** What one of the tool's posts records about the event it was made for. */
export interface TimelineRecord {
  /** 1: the record alone (earlier versions); 2: with the ledger. */
  readonly v: 1 | 2;
  readonly incident_id: string;
  readonly event_id: string;
  /** `closed`: the resolution's closing post; `linked`: a post that records something the tool did (a Jira issue). */
  readonly action: EventAction | 'closed' | 'linked';
  /** The incident's status after the event, when the event says. */
  readonly status?: IncidentStatus;
  readonly occurred_at: string;
  readonly actor?: string;
  /** Mattermost usernames this event brought into the channel. */
  readonly invited?: readonly string[];
  /** This post is the incident's opening post. */
  readonly opening?: boolean;
  /** The incident as it stands after this post: any one of the tool's posts tells the whole story. */
  readonly ledger?: Ledger;
}

/** An event, by its id and time. */
export interface Mark {
  readonly event_id: string;
  readonly occurred_at: string;
  readonly actor?: string;
}

/**
 * The incident's state, carried by every post the tool makes. Reading the newest of them is enough to judge the
 * next event, however many people posted in between.
 */
export interface Ledger {
  /** Ids of the events applied, newest last (the newest MAX_LEDGER_EVENTS). */
  readonly events: readonly string[];
  /** The newest event that set a status: what the header shows. */
  readonly latest?: Mark & { readonly status: IncidentStatus; readonly action: EventAction };
  /** The incident's first event, whatever it was; the start of its times when no trigger was seen. */
  readonly first?: Mark;
  readonly triggered?: Mark;
  readonly acknowledged?: Mark;
  readonly reassignments: number;
  readonly escalations: number;
  /** Usernames the tool has invited into the channel. */
  readonly invited: readonly string[];
  /** Resolutions whose closing (announcement, release, closing post) is done. */
  readonly closed: readonly string[];
  readonly opening_post_id?: string;
  /** An alert group's alerts the channel has reported, by fingerprint. */
  readonly alerts?: Readonly<Record<string, LedgerAlert>>;
  /** When the post recording the newest resolution was made (Mattermost's clock), to find its announcement. */
  readonly resolved_post_at?: number;
  /** The incident as last reported. */
  readonly incident?: IncidentSnapshot;
  /** The Jira issue filed for the incident. */
  readonly jira?: { readonly key: string; readonly url: string };
  /** Alertmanager silences made from Mattermost, newest last. */
  readonly silences?: readonly string[];
}

/** One alert as a ledger keeps it: firing or resolved, since when (and until when). */
export interface LedgerAlert {
  readonly s: 'firing' | 'resolved';
  readonly a: string;
  readonly e?: string;
}

export const EMPTY_LEDGER: Ledger = { events: [], reassignments: 0, escalations: 0, invited: [], closed: [] };

/** The record a post carries, if it is well formed. Whose post it is, is for the caller to check. */
export function recordOf(post: Pick<Post, 'props'>): TimelineRecord | undefined {
  const record = (post.props as Record<string, unknown> | undefined)?.[PROPS_KEY] as Partial<TimelineRecord> | undefined;
  if (!record || typeof record !== 'object' || typeof record.event_id !== 'string' || typeof record.occurred_at !== 'string') return undefined;
  if (record.ledger !== undefined && !isLedger(record.ledger)) return { ...(record as TimelineRecord), ledger: undefined };
  return record as TimelineRecord;
}

function isLedger(value: unknown): value is Ledger {
  const l = value as Partial<Ledger> | null;
  return !!l && typeof l === 'object' && Array.isArray(l.events) && Array.isArray(l.invited) && Array.isArray(l.closed) && typeof l.reassignments === 'number' && typeof l.escalations === 'number';
}

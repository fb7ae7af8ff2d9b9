import type { Post } from '@mattermost/types/posts';
import type { UserProfile } from '@mattermost/types/users';
import type { IncidentDetails } from '../incident/incident-event';
import type { Ledger } from '../incident/timeline-record';
import { displayNameOf } from '../render/person-name';

export interface Participant {
  readonly name: string;
  readonly messages: number;
}

/** The figures an incident review starts from. */
export interface ResolutionStats {
  readonly triggeredAt?: string;
  readonly acknowledgedAt?: string;
  readonly resolvedAt: string;
  readonly timeToAcknowledgeMs?: number;
  readonly timeToResolveMs?: number;
  readonly acknowledgedBy?: string;
  readonly resolvedBy?: string;
  readonly reassignments: number;
  readonly escalations: number;
  /** Distinct people who posted in the incident channel; bots, system posts and the tool's own posts left out. */
  readonly participants: readonly Participant[];
  readonly messages: number;
  readonly files: number;
}

export interface StatsInput {
  readonly incident: IncidentDetails;
  /** The incident's ledger, over every channel it had. */
  readonly ledger: Ledger;
  /** The people's posts (the tool's own and system posts are left out by the caller or here). */
  readonly posts: readonly Post[];
  /** Ids of the tool's own accounts, whose posts are not the people's. */
  readonly toolUserIds: ReadonlySet<string>;
  readonly users: ReadonlyMap<string, UserProfile>;
  readonly resolvedAt: string;
  readonly resolvedBy?: string;
}

/**
 * Times come from the tool's ledger, which reads the same for every source and generation; the payload is the
 * fallback (PagerDuty V3 carries no status-change times at all).
 */
export function computeStats(input: StatsInput): ResolutionStats {
  const { ledger, incident } = input;
  const triggered = ledger.triggered;
  const acknowledged = ledger.acknowledged;
  const triggeredAt = triggered?.occurred_at ?? incident.createdAt ?? ledger.first?.occurred_at;
  const acknowledgedAt = acknowledged?.occurred_at ?? incident.acknowledgedAt;
  const span = (from?: string, to?: string) => (from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : undefined);

  const counts = new Map<string, number>();
  let files = 0;
  for (const post of input.posts) {
    if (post.type?.startsWith('system_') || input.toolUserIds.has(post.user_id)) continue;
    files += post.file_ids?.length ?? 0;
    if (input.users.get(post.user_id)?.is_bot) continue;
    counts.set(post.user_id, (counts.get(post.user_id) ?? 0) + 1);
  }
  const participants = [...counts.entries()]
    .map(([id, messages]) => ({ name: displayNameOf(input.users.get(id), id), messages }))
    .sort((a, b) => b.messages - a.messages || a.name.localeCompare(b.name));

  return {
    triggeredAt,
    acknowledgedAt,
    resolvedAt: input.resolvedAt,
    timeToAcknowledgeMs: span(triggeredAt, acknowledgedAt),
    timeToResolveMs: span(triggeredAt, input.resolvedAt),
    acknowledgedBy: acknowledged?.actor ?? incident.acknowledgers[0]?.name,
    resolvedBy: input.resolvedBy,
    reassignments: ledger.reassignments,
    escalations: ledger.escalations,
    participants,
    messages: participants.reduce((sum, p) => sum + p.messages, 0),
    files,
  };
}

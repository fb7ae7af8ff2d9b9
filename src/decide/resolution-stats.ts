import type { Post } from '@mattermost/types/posts';
import type { UserProfile } from '@mattermost/types/users';
import type { IncidentDetails } from '../incident/incident-event';
import { type TimelineRecord, recordOf } from '../incident/timeline-record';
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
  /** The tool's records from every channel the incident had, oldest first. */
  readonly records: readonly TimelineRecord[];
  readonly posts: readonly Post[];
  readonly users: ReadonlyMap<string, UserProfile>;
  readonly resolvedAt: string;
  readonly resolvedBy?: string;
}

/**
 * Times come from the tool's own timeline records, which read the same for V1, V2 and V3; the payload is the
 * fallback (V3 carries no status-change times at all).
 */
export function computeStats(input: StatsInput): ResolutionStats {
  const { records, incident } = input;
  const first = (action: TimelineRecord['action']) => records.find((r) => r.action === action);
  const triggered = first('triggered');
  const acknowledged = first('acknowledged');
  const triggeredAt = triggered?.occurred_at ?? incident.createdAt ?? records[0]?.occurred_at;
  const acknowledgedAt = acknowledged?.occurred_at ?? incident.acknowledgedAt;
  const span = (from?: string, to?: string) => (from && to ? Math.max(0, Date.parse(to) - Date.parse(from)) : undefined);

  const counts = new Map<string, number>();
  let files = 0;
  for (const post of input.posts) {
    if (post.type?.startsWith('system_') || recordOf(post)) continue;
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
    reassignments: records.filter((r) => r.action === 'assigned' || r.action === 'delegated').length,
    escalations: records.filter((r) => r.action === 'escalated').length,
    participants,
    messages: participants.reduce((sum, p) => sum + p.messages, 0),
    files,
  };
}

import type { Actor, IncidentEvent, StatusAction } from '../incident/incident-event';

/** The people an event concerns: whom the source pages, and so who most needs the channel. */
export function concernedUsers(event: IncidentEvent): Actor[] {
  switch (event.kind) {
    case 'status':
      return pagesAssignees(event.action) ? event.incident.assignees.filter((a) => a.kind === 'user') : [];
    case 'responder':
      return event.action === 'responder_added' && event.responder.kind === 'user' ? [event.responder] : [];
    case 'note':
    case 'alerts':
      return [];
    default:
      return event satisfies never;
  }
}

function pagesAssignees(action: StatusAction): boolean {
  switch (action) {
    case 'triggered':
    case 'reopened':
    case 'assigned':
    case 'escalated':
    case 'delegated':
      return true;
    case 'acknowledged':
    case 'unacknowledged':
    case 'resolved':
    case 'priority_updated':
    case 'service_updated':
    case 'incident_type_changed':
      return false;
    default:
      return action satisfies never;
  }
}

/** `user_map` hits (source user id or e-mail → Mattermost username), and the people it does not name. */
export function mapByUserMap(actors: readonly Actor[], userMap: Readonly<Record<string, string>>): { byUsername: Map<string, Actor>; rest: Actor[] } {
  const byUsername = new Map<string, Actor>();
  const rest: Actor[] = [];
  const seen = new Set<string>();
  for (const actor of actors) {
    const key = actor.id ?? actor.email ?? actor.name;
    if (seen.has(key)) continue;
    seen.add(key);
    const mapped = (actor.id && userMap[actor.id.toLowerCase()]) || (actor.email && userMap[actor.email.toLowerCase()]);
    if (mapped) byUsername.set(mapped.toLowerCase(), actor);
    else rest.push(actor);
  }
  return { byUsername, rest };
}

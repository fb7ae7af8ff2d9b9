import type { UserProfile } from '@mattermost/types/users';
import { MattermostError } from '../errors';
import type { Logger } from '../log';
import type { Actor, IncidentEvent } from '../parse/incident-event';
import type { MattermostClient } from './mattermost-client';
import type { PagerDutyClient } from './pagerduty-client';

/** The PagerDuty users an event concerns: whom PagerDuty pages, and so who most needs the channel. */
export function concernedUsers(event: IncidentEvent): Actor[] {
  switch (event.kind) {
    case 'status':
      switch (event.action) {
        case 'triggered':
        case 'reopened':
        case 'assigned':
        case 'escalated':
        case 'delegated':
          return event.incident.assignees.filter((a) => a.kind === 'user');
        case 'acknowledged':
        case 'unacknowledged':
        case 'resolved':
        case 'priority_updated':
        case 'service_updated':
        case 'incident_type_changed':
          return [];
      }
      break;
    case 'responder':
      return event.action === 'responder_added' && event.responder.kind === 'user' ? [event.responder] : [];
    case 'note':
      return [];
  }
  return [];
}

/** `user_map` hits (PagerDuty id or e-mail → Mattermost username), and the users it does not name. */
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

/**
 * Maps the users `user_map` does not name: by the e-mail in the payload (V1), else by the e-mail the PagerDuty
 * REST API gives for the id (V2/V3 carry only ids and names).
 */
export async function mapByEmail(
  actors: readonly Actor[],
  deps: { client: MattermostClient; pagerduty?: PagerDutyClient; log: Logger },
): Promise<{ found: UserProfile[]; unmapped: Actor[] }> {
  const { client, pagerduty, log } = deps;
  const found: UserProfile[] = [];
  const unmapped: Actor[] = [];
  await Promise.all(
    actors.map(async (actor) => {
      let email = actor.email;
      if (!email && actor.id && pagerduty) {
        email = await pagerduty.getUser(actor.id).then(
          (user) => user.email,
          (error: Error) => {
            log.warn(`PagerDuty user ${actor.id} (${actor.name}) not looked up: ${error.message}`);
            return undefined;
          },
        );
      }
      const user = email ? await userByEmail(client, email) : undefined;
      if (user) found.push(user);
      else unmapped.push(actor);
    }),
  );
  return { found, unmapped };
}

async function userByEmail(client: MattermostClient, email: string): Promise<UserProfile | undefined> {
  try {
    return await client.getUserByEmail(email);
  } catch (error) {
    if (error instanceof MattermostError && (error.status === 404 || error.status === 403)) return undefined;
    throw error;
  }
}

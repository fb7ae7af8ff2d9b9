import type { UserProfile } from '@mattermost/types/users';
import type { MattermostClient } from '../clients/mattermost-client';
import type { PagerDutyClient } from '../clients/pagerduty-client';
import { ApiError } from '../errors';
import type { Actor } from '../incident/incident-event';
import type { Logger } from '../log';

/**
 * Maps the people `user_map` does not name: by the e-mail in the payload, else by the e-mail the PagerDuty REST
 * API gives for the id (PagerDuty V2/V3 carry only ids and names).
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
    if (error instanceof ApiError && (error.status === 404 || error.status === 403)) return undefined;
    throw error;
  }
}

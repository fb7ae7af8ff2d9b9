import type { UserProfile } from '@mattermost/types/users';
import type { MattermostClient } from '../clients/mattermost-client';
import type { PagerDutyClient } from '../clients/pagerduty-client';
import { ApiError } from '../errors';
import type { Actor } from '../incident/incident-event';
import type { Logger } from '../log';

/** At most this many people are looked up by e-mail (and PagerDuty asked about) in one run. */
export const MAX_LOOKUPS = 20;
// An address that could not be anyone's (`..`, a path) is not looked up at all.
const EMAIL = /^[^\s@/\\?#%]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,}$/;

/**
 * Maps the people `user_map` does not name: by the e-mail in the payload, else by the e-mail the PagerDuty REST
 * API gives for the id (PagerDuty V2/V3 carry only ids and names).
 */
export async function mapByEmail(
  actors: readonly Actor[],
  deps: { client: MattermostClient; pagerduty?: PagerDutyClient; log: Logger },
): Promise<{ found: UserProfile[]; unmapped: Actor[] }> {
  const { client, pagerduty, log } = deps;
  // Lookups per run are bounded; the people past the bound are named as not invited, in the payload's order.
  const looked = await Promise.all(
    actors.slice(0, MAX_LOOKUPS).map(async (actor): Promise<UserProfile | Actor> => {
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
      const user = email && EMAIL.test(email) ? await userByEmail(client, email) : undefined;
      return user ?? actor;
    }),
  );
  const found = looked.filter((r): r is UserProfile => 'username' in r);
  const unmapped = [...looked.filter((r): r is Actor => !('username' in r)), ...actors.slice(MAX_LOOKUPS)];
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

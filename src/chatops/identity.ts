import type { UserProfile } from '@mattermost/types/users';
import type { PagerDutyClient } from '../clients/pagerduty-client';
import type { ChatopsRuntime } from './chatops-runtime';

/** A Mattermost user as PagerDuty knows them: the e-mail that goes in `From`, and their id. */
export interface PagerDutyIdentity {
  readonly id: string;
  readonly email: string;
}

export type Identified = { readonly ok: true; readonly user: PagerDutyIdentity; readonly username: string } | { readonly ok: false; readonly reason: string };

/** A mapping found is kept this long: a repeated click makes no lookup. */
const MAPPING_TTL_MS = 24 * 3600 * 1000;

/** The Mattermost user behind an action (their username and e-mail address), asked of Mattermost once per run. */
export async function mattermostUser(rt: ChatopsRuntime, userId: string): Promise<UserProfile> {
  return rt.client.getUser(userId);
}

/**
 * The PagerDuty user a Mattermost user acts as: `user_map` read in reverse, else PagerDuty's users searched for
 * their e-mail address, an exact match only. Found mappings are cached in the state store for a day.
 */
export async function pagerDutyIdentity(rt: ChatopsRuntime, pagerduty: PagerDutyClient, userId: string): Promise<Identified> {
  const key = `pagerduty-user\n${rt.config.pagerduty.apiUrl}\n${rt.config.mattermost.url}\n${userId}`;
  const cached = await rt.store.cache.get(key);
  if (cached) {
    try {
      const known = JSON.parse(cached) as { id: string; email: string; username: string };
      if (known.id && known.email) return { ok: true, user: { id: known.id, email: known.email }, username: known.username };
    } catch {
      // A damaged entry is looked up again.
    }
  }
  const profile = await mattermostUser(rt, userId);
  const username = profile.username;
  const found = (await fromUserMap(rt, pagerduty, username)) ?? (profile.email ? await byEmail(pagerduty, profile.email) : undefined);
  if (!found) {
    const fix = `add your PagerDuty user id to notification_settings.user_map in conf.yaml (\`PXXXXXX: ${username}\`)`;
    return {
      ok: false,
      reason: profile.email
        ? `No PagerDuty user has the e-mail address ${profile.email}, so this cannot be done as you. Ask the admin to ${fix}, or use the same e-mail address in both.`
        : `Mattermost does not show your e-mail address to the tool (PrivacySettings.ShowEmailAddress is off), so it cannot tell who you are in PagerDuty. Ask the admin to ${fix}.`,
    };
  }
  await rt.store.cache.set(key, JSON.stringify({ ...found, username }), MAPPING_TTL_MS);
  return { ok: true, user: found, username };
}

/** `user_map` maps PagerDuty ids and e-mails to usernames; an action needs the way back. */
async function fromUserMap(rt: ChatopsRuntime, pagerduty: PagerDutyClient, username: string): Promise<PagerDutyIdentity | undefined> {
  const key = Object.entries(rt.config.userMap).find(([, name]) => name.toLowerCase() === username.toLowerCase())?.[0];
  if (!key) return undefined;
  if (key.includes('@')) return byEmail(pagerduty, key);
  const user = await pagerduty.getUser(key.toUpperCase());
  return user.email ? { id: user.id, email: user.email } : undefined;
}

/** PagerDuty's `query` matches names and e-mails loosely; only the exact address counts. */
async function byEmail(pagerduty: PagerDutyClient, email: string): Promise<PagerDutyIdentity | undefined> {
  const users = await pagerduty.findUsers(email);
  const match = users.find((u) => typeof u.email === 'string' && u.email.toLowerCase() === email.toLowerCase());
  return match?.email ? { id: match.id, email: match.email } : undefined;
}

import type { AxiosInstance } from 'axios';
import type { MattermostClient } from '../clients/mattermost-client';
import { openSession } from '../clients/mattermost-session';
import { createPagerDutyClient } from '../clients/pagerduty-client';
import type { Config } from '../config/config';
import { deadlineIn } from '../deadline';
import { ApiError, isTemporary } from '../errors';
import type { Logger } from '../log';

export interface CheckOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly out: (line: string) => void;
  readonly http?: AxiosInstance;
  readonly pagerdutyHttp?: AxiosInstance;
}

export type CheckOutcome = 'ok' | 'setup' | 'unreachable';

/**
 * Checks the live setup the config names and prints one line per check. The outcome is 'unreachable' when
 * Mattermost could not be reached at all, 'setup' when something it names is wrong.
 */
export async function check(options: CheckOptions): Promise<CheckOutcome> {
  const { config, out } = options;
  const report = (ok: boolean, what: string) => out(`${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  out(`ok    configuration is valid`);
  let client: MattermostClient;
  const auth = config.mattermost.auth;
  try {
    client = await openSession({ config, deadline: deadlineIn(config.deadlineMs), log: options.log, http: options.http });
    if (auth.kind === 'login') report(true, `logged in to ${config.mattermost.url} as ${auth.loginId}`);
  } catch (error) {
    return reportConnectionFailure(error, config, out);
  }
  let failed = false;
  const fail = (what: string) => {
    failed = true;
    report(false, what);
  };
  try {
    try {
      const me = await client.getMe();
      if (auth.kind === 'token') report(true, `Mattermost reachable at ${config.mattermost.url}`);
      report(true, `token is valid: acting as @${me.username}${me.is_bot ? ' (bot)' : ''}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        report(true, `Mattermost reachable at ${config.mattermost.url}`);
        fail('token is not valid (401): create a bot access token and set mattermost_api.token or MATTERMOST_TOKEN');
        return 'setup';
      }
      return reportConnectionFailure(error, config, out);
    }
    const mapped = Object.entries(config.userMap);
    const wanted = [...new Set([...config.alertUsers, ...mapped.map(([, username]) => username)])];
    const [team, users, announcement, pagerduty] = await Promise.allSettled([
      client.getTeamByName(config.teamName),
      wanted.length > 0 ? client.getUsersByUsernames(wanted) : Promise.resolve([]),
      client.getChannelByTeamName(config.teamName, config.announcementChannel),
      checkPagerDutyToken(config, options.pagerdutyHttp),
    ]);
    if (team.status === 'fulfilled') report(true, `team "${config.teamName}" exists`);
    else fail(`team "${config.teamName}": ${describe(team.reason)}`);
    if (users.status === 'fulfilled') {
      const known = new Set(users.value.map((u) => u.username.toLowerCase()));
      for (const name of config.alertUsers) {
        if (known.has(name.toLowerCase())) report(true, `alert user @${name} exists`);
        else fail(`alert user @${name} does not exist`);
      }
      for (const [pagerdutyUser, name] of mapped) {
        if (known.has(name.toLowerCase())) report(true, `user_map ${pagerdutyUser} → @${name} exists`);
        else fail(`user_map ${pagerdutyUser} → @${name}: no such Mattermost user`);
      }
    } else fail(`alert users: ${describe(users.reason)}`);
    if (pagerduty.status === 'fulfilled') {
      if (pagerduty.value === 'valid') report(true, `PagerDuty API token is valid (${config.pagerduty.apiUrl})`);
      else if (pagerduty.value === 'invalid') fail('PagerDuty API token is not valid (401): set pagerduty.api_token or PAGERDUTY_API_TOKEN');
    } else fail(`PagerDuty API not reachable at ${config.pagerduty.apiUrl}: ${(pagerduty.reason as Error).message}`);
    if (announcement.status === 'fulfilled') report(true, `announcement channel ~${config.announcementChannel} exists`);
    else fail(`announcement channel ~${config.announcementChannel}: ${describe(announcement.reason)}`);
    const transient = [team, users, announcement].find((r) => r.status === 'rejected' && isTemporary(r.reason));
    if (transient) return 'unreachable';
    return failed ? 'setup' : 'ok';
  } finally {
    client.close();
  }
}

/** Asks for a user with the token: 401 means a bad token, any user answer (200, 404) a good one. */
async function checkPagerDutyToken(config: Config, http?: AxiosInstance): Promise<'valid' | 'invalid' | 'none'> {
  const { apiToken, apiUrl } = config.pagerduty;
  if (!apiToken) return 'none';
  const sample = Object.keys(config.userMap).find((key) => !key.includes('@'))?.toUpperCase() ?? 'PCHECK0';
  const client = createPagerDutyClient({ apiUrl, token: apiToken, deadline: deadlineIn(config.deadlineMs), timeoutMs: config.deadlineMs, http });
  try {
    await client.getUser(sample);
    return 'valid';
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return 'invalid';
    if (error instanceof ApiError && error.status === 404) return 'valid';
    throw error;
  } finally {
    client.close();
  }
}

function describe(error: unknown): string {
  if (error instanceof ApiError && error.status === 404) return 'not found (or not visible to this account)';
  return error instanceof Error ? error.message : String(error);
}

function reportConnectionFailure(error: unknown, config: Config, out: (line: string) => void): CheckOutcome {
  if (error instanceof ApiError && !error.transient) {
    out(`FAIL  ${error.status === 401 ? 'login failed: check mattermost_api.login_id and password' : error.message}`);
    return 'setup';
  }
  out(`FAIL  Mattermost not reachable at ${config.mattermost.url}: ${error instanceof Error ? error.message : String(error)}`);
  return 'unreachable';
}

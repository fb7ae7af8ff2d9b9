import type { Transport } from '../clients/node-transport';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type { MattermostClient } from '../clients/mattermost-client';
import { openSession } from '../clients/mattermost-session';
import { createPagerDutyClient } from '../clients/pagerduty-client';
import { suggestion } from '../config/closest-match';
import type { UnknownKey } from '../config/config-fields';
import type { Config } from '../config/config';
import { randomBytes } from 'node:crypto';
import { deadlineIn, realSleep } from '../deadline';
import { openStateStore } from '../state/open-store';
import { ApiError, isTemporary } from '../errors';
import type { Logger } from '../log';
import { configForRoute, routeFor } from '../decide/route';
import type { IncidentEvent, SourceId } from '../incident/incident-event';
import { decodeJsonBody } from '../sources/decode-json';
import { sourceFor } from '../sources/registry';

export interface CheckOptions {
  readonly config: Config;
  /** A sample delivery: say which route it takes. */
  readonly route?: { readonly body: Buffer; readonly source: SourceId; readonly recognised?: boolean };
  readonly log: Logger;
  readonly out: (line: string) => void;
  /** What validation found beyond errors: unknown keys and the sample's values left in. */
  readonly findings?: { readonly unknownKeys: readonly UnknownKey[]; readonly placeholders: readonly string[] };
  readonly transport?: Transport;
  readonly pagerdutyTransport?: Transport;
}

export type CheckOutcome = 'ok' | 'setup' | 'unreachable';

/**
 * Checks the config and the live setup it names, one line per check, each failure saying how to fix it. The
 * outcome is 'unreachable' when Mattermost could not be reached at all, 'setup' when something is wrong.
 */
export async function check(options: CheckOptions): Promise<CheckOutcome> {
  const { config, out } = options;
  let failed = false;
  const report = (ok: boolean, what: string) => {
    failed ||= !ok;
    out(`${ok ? 'ok  ' : 'FAIL'}  ${what}`);
  };
  report(true, 'configuration is valid');
  // A key that looks like a typo of a known one means a setting silently not applied.
  for (const key of options.findings?.unknownKeys ?? []) if (key.suggestion) report(false, `${key.path}: unknown key${key.suggestion}`);
  for (const placeholder of options.findings?.placeholders ?? []) report(false, placeholder);
  if (options.route) explainRoute(config, options.route, report);

  let client: MattermostClient;
  const auth = config.mattermost.auth;
  try {
    client = await openSession({ config, deadline: deadlineIn(config.deadlineMs), log: options.log, transport: options.transport });
    if (auth.kind === 'login') report(true, `logged in to ${config.mattermost.url} as ${auth.loginId}`);
  } catch (error) {
    return atLeastSetup(connectionFailure(error, config, report), options);
  }
  try {
    let me: UserProfile;
    try {
      me = await client.getMe();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        report(true, `Mattermost reachable at ${config.mattermost.url}`);
        report(false, 'token is not valid (401): create a bot access token and set mattermost_api.token or MATTERMOST_TOKEN');
        return 'setup';
      }
      return atLeastSetup(connectionFailure(error, config, report), options);
    }
    if (auth.kind === 'token') report(true, `Mattermost reachable at ${config.mattermost.url}`);
    if (typeof me?.username !== 'string' || typeof me.id !== 'string') {
      report(false, `GET /api/v4/users/me answered, but not with a user: check mattermost_api.url (it should look like https://chat.example.com)`);
      return 'setup';
    }
    report(true, `token is valid: acting as @${me.username}${me.is_bot ? ' (bot)' : ''}`);

    const [team, pagerduty] = await Promise.all([checkTeam(client, config, me, report), checkPagerDutyToken(config, options.pagerdutyTransport).catch((error: unknown) => error)]);
    const results = await Promise.allSettled([checkUsers(client, config, team, report), checkAnnouncementChannel(client, config, report)]);
    // Every route's team, people and channel exist too.
    for (const route of config.routes) {
      const routed = configForRoute(config, route);
      const said = (ok: boolean, what: string) => report(ok, `${route.name}: ${what}`);
      const routeTeam = route.set.teamName ? await checkTeam(client, routed, me, said) : team;
      // A route that changes the team brings the default alert users into it, unless it names its own.
      if (route.set.alertUsers || route.set.teamName) results.push(...(await Promise.allSettled([checkUsers(client, { ...routed, userMap: {} }, routeTeam, said)])));
      if (route.set.teamName || route.set.announcementChannel) results.push(...(await Promise.allSettled([checkAnnouncementChannel(client, routed, said)])));
    }
    if (pagerduty === 'valid') report(true, `PagerDuty API token is valid (${config.pagerduty.apiUrl})`);
    else if (pagerduty === 'invalid') report(false, 'PagerDuty API token is not valid (401): set pagerduty.api_token or PAGERDUTY_API_TOKEN');
    else if (pagerduty instanceof Error) report(false, `PagerDuty API not reachable at ${config.pagerduty.apiUrl}: ${pagerduty.message}`);
    const { checkChatops } = await import('./check-chatops');
    await checkChatops(config, client, typeof team === 'object' ? team.id : undefined, report, { pagerduty: options.pagerdutyTransport });
    await checkStore(config, report);
    if (results.some((r) => r.status === 'rejected' && isTemporary(r.reason)) || team === 'unreachable') return 'unreachable';
    return failed ? 'setup' : 'ok';
  } finally {
    client.close();
  }
}

type Report = (ok: boolean, what: string) => void;

/** Where locks, dead letters and caches live, tried with a value written and read back. */
async function checkStore(config: Config, report: Report): Promise<void> {
  const where = config.redis ? `Redis at ${config.redis.shown}` : `state_dir ${config.stateDir}`;
  try {
    const store = await openStateStore(config, { now: Date.now, sleep: realSleep });
    try {
      const key = `check\n${randomBytes(8).toString('hex')}`;
      await store.cache.set(key, 'ok', 10_000);
      const back = await store.cache.get(key);
      await store.cache.delete(key);
      if (back === 'ok') report(true, `${where} works${config.redis ? ': locks, dead letters and caches are shared by every host using it' : ''}`);
      else report(false, `${where} does not keep what is written to it`);
    } finally {
      await store.close();
    }
  } catch (error) {
    report(false, (error as Error).message);
  }
}

async function checkAnnouncementChannel(client: MattermostClient, config: Config, report: Report): Promise<void> {
  try {
    await client.getChannelByTeamName(config.teamName, config.announcementChannel);
    report(true, `announcement channel ~${config.announcementChannel} exists${config.teamName ? ` in team "${config.teamName}"` : ''}`);
  } catch (error) {
    report(false, `announcement channel ~${config.announcementChannel}: ${describe(error)}`);
    if (isTemporary(error)) throw error;
  }
}

/** Which route a sample delivery takes, and why; or that none does. */
function explainRoute(config: Config, sample: NonNullable<CheckOptions['route']>, report: Report): void {
  const source = sourceFor(sample.source);
  if (sample.recognised) report(true, `the sample delivery looks like one from ${source.label} (--source chooses another)`);
  let events: IncidentEvent[];
  try {
    const body = source.decode ? source.decode(sample.body) : decodeJsonBody(sample.body, source.maxBodyBytes, `more than ${source.label} ever sends`);
    events = source.parse(body, config, { receivedAt: new Date().toISOString() }).filter((m): m is IncidentEvent => m.kind !== 'ignored');
  } catch (error) {
    report(false, `the sample delivery: ${(error as Error).message}`);
    return;
  }
  if (events.length === 0) report(true, 'the sample delivery is one the tool ignores: it takes no route');
  for (const event of events) {
    const found = routeFor(event, config.routes);
    const routed = configForRoute(config, found?.route);
    const where = `team "${routed.teamName}", alert users ${routed.alertUsers.map((u) => `@${u}`).join(', ') || 'none'}, announcements in ~${routed.announcementChannel}`;
    if (found) report(true, `the sample delivery (${event.incident.id}) takes route ${found.route.name}, because of ${found.because.join(', ')}: ${where}`);
    else report(true, `the sample delivery (${event.incident.id}) matches no route: notification_settings apply (${where})`);
  }
}

/** With the sample's values left in, "unreachable" is the placeholder's doing: a setup problem, not a wait. */
function atLeastSetup(outcome: CheckOutcome, options: CheckOptions): CheckOutcome {
  return outcome === 'unreachable' && (options.findings?.placeholders.length ?? 0) > 0 ? 'setup' : outcome;
}

/** The team exists, under that name, and the bot is on it; else what the right name or the fix is. */
async function checkTeam(client: MattermostClient, config: Config, me: UserProfile, report: Report): Promise<Team | 'missing' | 'unreachable'> {
  const name = config.teamName;
  const notMember = `the bot @${me.username} is not a member of team "${name}": add it (System Console › User Management › Teams › ${name} › Add Members, or: mmctl team users add ${name} ${me.username})`;
  let team: Team;
  try {
    team = await client.getTeamByName(name);
  } catch (error) {
    if (isTemporary(error)) {
      report(false, `team "${name}": ${describe(error)}`);
      return 'unreachable';
    }
    if (error instanceof ApiError && error.status === 403) report(false, notMember);
    else if (error instanceof ApiError && error.status === 404) report(false, await missingTeam(client, name, me));
    else report(false, `team "${name}": ${describe(error)}`);
    return 'missing';
  }
  try {
    await client.getTeamMember(team.id, me.id);
    report(true, `team "${name}" exists and @${me.username} is a member`);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    report(false, notMember);
  }
  return team;
}

/** A team not found: the display name used for the name, a typo, or a team the bot is not on. */
async function missingTeam(client: MattermostClient, name: string, me: UserProfile): Promise<string> {
  const teams = await client.getMyTeams().catch(() => [] as Team[]);
  const byDisplayName = teams.find((t) => t.display_name.trim().toLowerCase() === name.trim().toLowerCase());
  if (byDisplayName) return `team "${name}" not found: "${name}" is the display name of team "${byDisplayName.name}"; set notification_settings.team_name: ${byDisplayName.name}`;
  const close = suggestion(name, teams.map((t) => t.name), (n) => `"${n}"`);
  return `team "${name}" not found${close || `: no team of that name is visible to @${me.username} (use the team's name as in its URL, and add the bot to the team)`}`;
}

async function checkUsers(client: MattermostClient, config: Config, team: Team | 'missing' | 'unreachable', report: Report): Promise<void> {
  const mapped = Object.entries(config.userMap);
  const wanted = [...new Set([...config.alertUsers, ...mapped.map(([, username]) => username)])];
  if (wanted.length === 0) return;
  const found = await client.getUsersByUsernames(wanted);
  const known = new Set(found.map((u) => u.username.toLowerCase()));
  let candidates: string[] | undefined;
  // Suggestions come from the team's members (or, without the team, the first users the server lists).
  const closest = async (username: string) => {
    candidates ??= (await client.listUsers(typeof team === 'object' ? team.id : undefined).catch(() => [] as UserProfile[])).map((u) => u.username);
    return suggestion(username, candidates, (n) => `@${n}`);
  };
  // Someone not on the team cannot be added to its channels.
  const outside = new Set<string>();
  if (typeof team === 'object') {
    const alertUsers = found.filter((u) => config.alertUsers.some((name) => name.toLowerCase() === u.username.toLowerCase()));
    const answers = await Promise.all(alertUsers.map((u) => client.getTeamMember(team.id, u.id).then(() => true, (e: unknown) => !(e instanceof ApiError && e.status === 404))));
    alertUsers.forEach((u, i) => answers[i] || outside.add(u.username.toLowerCase()));
  }
  for (const name of config.alertUsers) {
    if (outside.has(name.toLowerCase())) report(false, `alert user @${name} is not a member of team "${config.teamName}", so cannot join its incident channels: add them to the team`);
    else if (known.has(name.toLowerCase())) report(true, `alert user @${name} exists`);
    else report(false, `alert user @${name} does not exist${await closest(name)}`);
  }
  for (const [pagerdutyUser, name] of mapped) {
    if (known.has(name.toLowerCase())) report(true, `user_map ${pagerdutyUser} → @${name} exists`);
    else report(false, `user_map ${pagerdutyUser} → @${name}: no such Mattermost user${await closest(name)}`);
  }
}

/** Asks for a user with the token: 401 means a bad token, any user answer (200, 404) a good one. */
async function checkPagerDutyToken(config: Config, transport?: Transport): Promise<'valid' | 'invalid' | 'none'> {
  const { apiToken, apiUrl } = config.pagerduty;
  if (!apiToken) return 'none';
  const sample = Object.keys(config.userMap).find((key) => !key.includes('@'))?.toUpperCase() ?? 'PCHECK0';
  const client = createPagerDutyClient({ apiUrl, token: apiToken, deadline: deadlineIn(config.deadlineMs), timeoutMs: config.deadlineMs, transport });
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

function connectionFailure(error: unknown, config: Config, report: Report): CheckOutcome {
  if (error instanceof ApiError && !error.transient) {
    report(false, error.status === 401 ? 'login failed: check mattermost_api.login_id and password' : error.message);
    return 'setup';
  }
  report(false, `Mattermost not reachable at ${config.mattermost.url}: ${error instanceof Error ? error.message : String(error)}`);
  return isTemporary(error) ? 'unreachable' : 'setup';
}

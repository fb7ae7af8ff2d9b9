import type { Transport } from '../clients/node-transport';
import type { MattermostClient } from '../clients/mattermost-client';
import type { Config } from '../config/config';
import { deadlineIn } from '../deadline';
import { ApiError } from '../errors';

type Report = (ok: boolean, what: string) => void;

/** Checks each part of the actions from Mattermost that is configured: the PagerDuty token, Jira, the hook URL, the command. */
export async function checkChatops(config: Config, client: MattermostClient, teamId: string | undefined, report: Report, transports?: { pagerduty?: Transport; jira?: Transport }): Promise<void> {
  const { actionUrl, commandTokens } = config.chatops;
  const actions = actionUrl !== undefined || commandTokens.length > 0;
  await Promise.all([
    actions && config.pagerduty.apiToken ? checkPagerDutyWrite(config, report, transports?.pagerduty) : undefined,
    config.jira ? checkJira(config, report, transports?.jira) : undefined,
    actionUrl ? checkActionUrl(actionUrl, report) : undefined,
    commandTokens.length > 0 && teamId ? checkCommand(config, client, teamId, report) : undefined,
  ]);
}

async function checkPagerDutyWrite(config: Config, report: Report, transport?: Transport): Promise<void> {
  const { createPagerDutyClient } = await import('../clients/pagerduty-client');
  const pagerduty = createPagerDutyClient({ apiUrl: config.pagerduty.apiUrl, token: config.pagerduty.apiToken!, deadline: deadlineIn(config.deadlineMs), timeoutMs: config.deadlineMs, transport });
  try {
    await pagerduty.probeWrite();
    report(true, 'PagerDuty API token can write (actions from Mattermost work)');
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) report(false, 'PagerDuty API token is read-only: actions from Mattermost need a key with write access in pagerduty.api_token');
    else if (error instanceof ApiError && error.status === 401) return; // Said already by the token's own check.
    else if (error instanceof ApiError && error.status > 0 && error.status < 500) report(true, 'PagerDuty API token can write (actions from Mattermost work)');
    else report(false, `PagerDuty API not reachable to check the token's access: ${(error as Error).message}`);
  } finally {
    pagerduty.close();
  }
}

async function checkJira(config: Config, report: Report, transport?: Transport): Promise<void> {
  const jiraConfig = config.jira!;
  const { createJiraClient } = await import('../clients/jira-client');
  const jira = createJiraClient({ config: jiraConfig, deadline: deadlineIn(Math.max(config.deadlineMs, 5000)), transport });
  try {
    const project = await jira.getProject(jiraConfig.projectKey);
    const types = (project.issueTypes ?? []).map((t) => t.name);
    if (types.some((t) => t.toLowerCase() === jiraConfig.issueType.toLowerCase())) report(true, `Jira project ${jiraConfig.projectKey} exists, with issue type ${jiraConfig.issueType} (${jiraConfig.flavour === 'cloud' ? 'Cloud, API v3' : 'Data Center, API v2'})`);
    else report(false, `Jira project ${jiraConfig.projectKey} has no issue type "${jiraConfig.issueType}": set jira.issue_type to one of ${types.join(', ') || '(none visible)'}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) report(false, `Jira refused the credentials (401): ${jiraConfig.flavour === 'cloud' ? 'jira.email and an API token of that account' : 'a personal access token in jira.api_token (Data Center takes it as Bearer)'}`);
    else if (error instanceof ApiError && error.status === 404) report(false, `Jira project ${jiraConfig.projectKey}: not found, or not visible to the tool's account: check jira.project_key`);
    else report(false, `Jira project ${jiraConfig.projectKey}: ${(error as Error).message}`);
  } finally {
    jira.close();
  }
}

/** Mattermost refuses integration URLs on private addresses unless they are allowed (chatops.md §1.4). */
async function checkActionUrl(actionUrl: string, report: Report): Promise<void> {
  const host = new URL(actionUrl).hostname.replace(/^\[|\]$/g, '');
  let addresses: string[] = [host];
  if (!isIp(host)) {
    const { lookup } = require('node:dns/promises') as typeof import('node:dns/promises');
    try {
      addresses = (await Promise.race([lookup(host, { all: true }), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), 2000).unref())])).map((a) => a.address);
    } catch (error) {
      report(false, `chatops.action_url: ${host} does not resolve here (${(error as Error).message}); Mattermost must reach it for the buttons to work`);
      return;
    }
  }
  if (host === 'localhost' || addresses.some(isPrivate)) {
    report(true, `chatops.action_url: ${host} is a private address: Mattermost reaches it only when ServiceSettings.AllowedUntrustedInternalConnections lists "${host}" (System Console › Environment › Developer), or buttons fail with "address forbidden"`);
  } else report(true, `chatops.action_url: ${host} is a public address, which Mattermost may call`);
}

async function checkCommand(config: Config, client: MattermostClient, teamId: string, report: Report): Promise<void> {
  try {
    const commands = await client.listCommands(teamId);
    const ours = commands.find((c) => c.token !== undefined && config.chatops.commandTokens.includes(c.token) && !c.delete_at);
    if (ours) report(true, `slash command /${ours.trigger} is set up in team "${config.teamName}" (it calls ${ours.url})`);
    else report(false, `no slash command in team "${config.teamName}" has a token from chatops.command_tokens: run \`mattermost-incident setup-command --url <your mattermost_command hook URL>\`, or copy the command's token`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) report(true, "slash command: the tool's account may not list the team's commands, so its token is not checked");
    else report(false, `slash command: ${(error as Error).message}`);
  }
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}

function isPrivate(address: string): boolean {
  if (address.includes(':')) return address === '::1' || /^f[cd]/i.test(address) || /^fe80/i.test(address);
  const [a, b] = address.split('.').map(Number);
  return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

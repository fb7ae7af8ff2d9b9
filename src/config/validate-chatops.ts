import type { ChatopsConfig, JiraConfig } from './config';
import type { Section } from './config-fields';
import { httpUrl } from './http-url';
import type { Env } from './validate-config';

/** Shorter secrets are refused: a button's signature is only as strong as the key. */
const MIN_SECRET_CHARS = 16;

/** `chatops:` (buttons, dialogs, the slash command) in conf.yaml; secrets may come from the environment. */
export function validateChatops(root: Section, env: Env, problems: string[]): ChatopsConfig {
  const chatops = root.section('chatops');
  const rawUrl = chatops.string('action_url');
  const actionUrl = rawUrl === undefined ? undefined : httpUrl(rawUrl, 'chatops.action_url', problems, { secretGoes: 'the signing secret goes in chatops.action_secret or MATTERMOST_INCIDENT_ACTION_SECRET' });
  const actionSecret = env.MATTERMOST_INCIDENT_ACTION_SECRET?.trim() || chatops.secret('action_secret');
  if (rawUrl !== undefined && !actionSecret) problems.push('chatops.action_secret: required with chatops.action_url (or set MATTERMOST_INCIDENT_ACTION_SECRET): it signs what the buttons carry');
  if (actionSecret && actionSecret.length < MIN_SECRET_CHARS) problems.push(`chatops.action_secret: too short (${actionSecret.length} characters, not shown): use at least ${MIN_SECRET_CHARS} random characters, for example from \`openssl rand -hex 32\``);
  const tokensFromEnv = env.MATTERMOST_INCIDENT_COMMAND_TOKENS?.trim();
  const commandTokens = tokensFromEnv ? tokensFromEnv.split(',').map((t) => t.trim()).filter(Boolean) : chatops.secrets('command_tokens');
  return { actionUrl, actionSecret, commandTokens };
}

/** `jira:`: where "Create Jira issue" files the issue. Cloud when an e-mail is given, else Data Center. */
export function validateJira(root: Section, env: Env, problems: string[]): JiraConfig | undefined {
  if (!root.has('jira')) {
    root.section('jira');
    return undefined;
  }
  const jira = root.section('jira');
  const url = httpUrl(jira.string('url'), 'jira.url', problems, { secretGoes: 'the API token goes in jira.api_token or JIRA_API_TOKEN' });
  const email = jira.string('email');
  const apiToken = env.JIRA_API_TOKEN?.trim() || jira.secret('api_token');
  if (!apiToken) problems.push(`jira.api_token: required (or set JIRA_API_TOKEN): ${email ? 'an Atlassian API token of that account' : 'a personal access token'}`);
  const projectKey = jira.string('project_key');
  if (!projectKey) problems.push('jira.project_key: required: the key of the project issues go to, such as OPS');
  const issueType = jira.string('issue_type') ?? 'Task';
  if (!url || !apiToken || !projectKey) return undefined;
  return { url, email, apiToken, projectKey: projectKey.toUpperCase(), issueType, flavour: email ? 'cloud' : 'data-center' };
}

import { join } from 'node:path';
import { ConfigError } from '../errors';
import type { Config, RedisConfig } from './config';
import { Section, type UnknownKey } from './config-fields';
import { httpUrl } from './http-url';
import { parseRedisUrl } from './redis-url';
import { validateChatops, validateJira } from './validate-chatops';
import { validateRoutes } from './validate-routes';
import { validateSources } from './validate-sources';

export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_DEADLINE_SECONDS = 4;

/** Values of sample.conf.yaml that mean "not filled in yet". */
const PLACEHOLDERS: readonly [string, (config: Config) => boolean, string][] = [
  ['mattermost_api.url', (c) => new URL(c.mattermost.url).hostname === 'mattermost.example.com', "is still the sample's mattermost.example.com: put your server's address there"],
  ['mattermost_api.token', (c) => c.mattermost.auth.kind === 'token' && /^replace-with/i.test(c.mattermost.auth.token), "is still the sample's placeholder: put the bot's access token there (or in MATTERMOST_TOKEN)"],
  ['pagerduty.api_token', (c) => /^replace-with/i.test(c.pagerduty.apiToken ?? ''), "is still the sample's placeholder: put a PagerDuty REST API key there (or in PAGERDUTY_API_TOKEN), or remove the key"],
  ['chatops.action_secret', (c) => /^replace-with/i.test(c.chatops.actionSecret ?? ''), "is still the sample's placeholder: put a long random secret there (or in MATTERMOST_INCIDENT_ACTION_SECRET)"],
  ['chatops.action_url', (c) => c.chatops.actionUrl !== undefined && new URL(c.chatops.actionUrl).hostname === 'incidents.example.com', "is still the sample's incidents.example.com: put the public URL of your mattermost_action hook there"],
  ['redis_url', (c) => /replace-with/i.test(c.redis?.url ?? ''), "still holds the sample's placeholder password: put your Redis password there (or the whole URL in MATTERMOST_INCIDENT_REDIS_URL)"],
  ['jira.api_token', (c) => /^replace-with/i.test(c.jira?.apiToken ?? ''), "is still the sample's placeholder: put the Jira API token there (or in JIRA_API_TOKEN)"],
];

export interface ValidatedConfig {
  readonly config: Config;
  /** Lines worth a warning on every run. */
  readonly warnings: string[];
  /** Keys the tool does not know: warned about on deliveries, failures in `check` when they look like a typo. */
  readonly unknownKeys: readonly UnknownKey[];
  /** Sample values left in; `check` names them. */
  readonly placeholders: readonly string[];
}

export interface ConfigDefaults {
  /** The home directory, for the default state directory when neither systemd nor XDG names one. */
  /** Asked only when no state directory is named. */
  readonly homeDir: () => string;
}

/**
 * Checks the parsed conf.yaml, applies the environment overrides (MATTERMOST_URL, MATTERMOST_TOKEN,
 * PAGERDUTY_WEBHOOK_SECRETS, PAGERDUTY_API_TOKEN) and returns the Config. Every problem is collected with
 * its key path before one ConfigError is thrown.
 */
export function validateConfig(raw: unknown, env: Env, source: string, defaults: ConfigDefaults = { homeDir: () => env.HOME ?? '/' }): ValidatedConfig {
  const problems: string[] = [];
  const root = Section.root(raw, problems);
  const api = root.section('mattermost_api', true);
  const settings = root.section('notification_settings', true);
  const pagerduty = root.section('pagerduty');

  const url = httpUrl(nonEmpty(env.MATTERMOST_URL) ?? api.string('url'), 'mattermost_api.url', problems, {
    envName: 'MATTERMOST_URL',
    secretGoes: 'the Mattermost token goes in mattermost_api.token or MATTERMOST_TOKEN',
    apiPath: '/api/v4',
  });
  const caFile = api.string('ca_file');
  const token = nonEmpty(env.MATTERMOST_TOKEN) ?? api.secret('token');
  const loginId = api.string('login_id');
  const password = api.secret('password', { digits: true });
  let auth: Config['mattermost']['auth'] | undefined;
  if (token) auth = { kind: 'token', token };
  else if (loginId && password) auth = { kind: 'login', loginId, password };
  else if (loginId || password) problems.push(`mattermost_api.${loginId ? 'password' : 'login_id'}: required with mattermost_api.${loginId ? 'login_id' : 'password'}`);
  else problems.push('mattermost_api.token: required (or set MATTERMOST_TOKEN, or give login_id and password)');

  const teamName = settings.string('team_name');
  if (!teamName) problems.push('notification_settings.team_name: required');
  const alertUsers = settings.strings('alert_users').map((u) => u.replace(/^@/, ''));
  const announcementChannel = settings.string('announcement_channel') ?? 'town-square';
  const archiveOnResolve = settings.boolean('archive_on_resolve') ?? false;
  const userMap: Record<string, string> = Object.create(null);
  for (const [key, username] of Object.entries(settings.stringMap('user_map', 'a Mattermost username'))) userMap[key.toLowerCase()] = username.replace(/^@/, '');

  const secretsFromEnv = nonEmpty(env.PAGERDUTY_WEBHOOK_SECRETS);
  const webhookSecrets = secretsFromEnv ? secretsFromEnv.split(',').map((s) => s.trim()).filter(Boolean) : pagerduty.secrets('webhook_secrets');
  const requireSignature = pagerduty.boolean('require_signature') ?? false;
  if (requireSignature && webhookSecrets.length === 0) problems.push('pagerduty.require_signature: true needs pagerduty.webhook_secrets (or PAGERDUTY_WEBHOOK_SECRETS)');
  const apiToken = nonEmpty(env.PAGERDUTY_API_TOKEN) ?? pagerduty.secret('api_token');
  const apiUrl = httpUrl(pagerduty.string('api_url') ?? 'https://api.pagerduty.com', 'pagerduty.api_url', problems, { secretGoes: 'the API key goes in pagerduty.api_token or PAGERDUTY_API_TOKEN' });

  const sources = validateSources(root, env);
  const routes = validateRoutes(root);
  const chatops = validateChatops(root, env, problems);
  const jira = validateJira(root, env, problems);
  const stateDir = root.string('state_dir') ?? defaultStateDir(env, defaults.homeDir);
  const redis = redisUrl(nonEmpty(env.MATTERMOST_INCIDENT_REDIS_URL) ?? root.secret('redis_url'), problems);
  const deadlineSeconds = root.number('deadline_seconds', { min: 0, max: 300 }) ?? DEFAULT_DEADLINE_SECONDS;

  if (problems.length > 0 || !auth || !teamName || url === undefined || apiUrl === undefined) throw new ConfigError(source, problems);
  const config: Config = {
    mattermost: { url, auth, caFile },
    teamName,
    alertUsers,
    announcementChannel,
    archiveOnResolve,
    userMap,
    pagerduty: { webhookSecrets, requireSignature, apiToken, apiUrl },
    sources,
    routes,
    chatops,
    jira,
    stateDir,
    redis,
    deadlineMs: Math.round(deadlineSeconds * 1000),
  };
  const unknownKeys = root.unknownKeys();
  // Unknown keys are only warned about, so a conf.yaml with extra keys of its own keeps working.
  const warnings = unknownKeys.map((k) => `${k.path}: unknown key, ignored${k.suggestion}`);
  const placeholders = PLACEHOLDERS.filter(([, applies]) => applies(config)).map(([key, , message]) => `${key} ${message}`);
  return { config, warnings, unknownKeys, placeholders };
}

/**
 * A private state directory by default: systemd's StateDirectory=, else `$XDG_STATE_HOME`, else
 * `~/.local/state` (never the shared temp directory, where another user could prepare it).
 */
export function defaultStateDir(env: Env, homeDir: () => string): string {
  const systemd = nonEmpty(env.STATE_DIRECTORY)?.split(':')[0];
  if (systemd) return systemd;
  const xdg = nonEmpty(env.XDG_STATE_HOME);
  return join(xdg ?? join(homeDir(), '.local', 'state'), 'mattermost-incident');
}

function redisUrl(value: string | undefined, problems: string[]): RedisConfig | undefined {
  if (value === undefined) return undefined;
  const parsed = parseRedisUrl(value);
  if (typeof parsed === 'string') return void problems.push(parsed);
  return parsed;
}

export function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../errors';
import type { Config } from './config';

export type Env = Readonly<Record<string, string | undefined>>;

const DEFAULT_DEADLINE_SECONDS = 4;

/**
 * Checks the parsed conf.yaml, applies the environment overrides (MATTERMOST_URL, MATTERMOST_TOKEN,
 * PAGERDUTY_WEBHOOK_SECRETS, PAGERDUTY_API_TOKEN) and returns the Config. Every problem is collected with
 * its key path before one ConfigError is thrown.
 */
export function validateConfig(raw: unknown, env: Env, source: string): { config: Config; warnings: string[] } {
  const problems: string[] = [];
  const warnings: string[] = [];
  const root = asObject(raw, '(top level)', problems) ?? {};
  const api = asObject(root.mattermost_api, 'mattermost_api', problems, true) ?? {};
  const settings = asObject(root.notification_settings, 'notification_settings', problems, true) ?? {};
  const pagerduty = asObject(root.pagerduty, 'pagerduty', problems) ?? {};

  const url = nonEmpty(env.MATTERMOST_URL) ?? optionalString(api.url, 'mattermost_api.url', problems);
  let normalisedUrl = '';
  if (url === undefined) problems.push('mattermost_api.url: required (or set MATTERMOST_URL)');
  else {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') problems.push(`mattermost_api.url: must start with http:// or https://, got "${url}"`);
      normalisedUrl = url.replace(/\/+$/, '');
    } catch {
      problems.push(`mattermost_api.url: not a URL: "${url}"`);
    }
  }

  const token = nonEmpty(env.MATTERMOST_TOKEN) ?? optionalString(api.token, 'mattermost_api.token', problems);
  const loginId = optionalString(api.login_id, 'mattermost_api.login_id', problems);
  const password = optionalString(api.password, 'mattermost_api.password', problems, { allowNumber: true });
  let auth: Config['mattermost']['auth'] | undefined;
  if (token) auth = { kind: 'token', token };
  else if (loginId && password) auth = { kind: 'login', loginId, password };
  else if (loginId || password) problems.push(`mattermost_api.${loginId ? 'password' : 'login_id'}: required with mattermost_api.${loginId ? 'login_id' : 'password'}`);
  else problems.push('mattermost_api.token: required (or set MATTERMOST_TOKEN, or give login_id and password)');

  const teamName = optionalString(settings.team_name, 'notification_settings.team_name', problems);
  if (!teamName) problems.push('notification_settings.team_name: required');

  const alertUsers = stringList(settings.alert_users, 'notification_settings.alert_users', problems).map((u) => u.replace(/^@/, ''));
  const announcementChannel = optionalString(settings.announcement_channel, 'notification_settings.announcement_channel', problems) ?? 'town-square';
  const archiveOnResolve = optionalBoolean(settings.archive_on_resolve, 'notification_settings.archive_on_resolve', problems) ?? false;
  const userMap = stringMap(settings.user_map, 'notification_settings.user_map', problems);

  const secretsFromEnv = nonEmpty(env.PAGERDUTY_WEBHOOK_SECRETS);
  const webhookSecrets = secretsFromEnv
    ? secretsFromEnv.split(',').map((s) => s.trim()).filter(Boolean)
    : stringList(pagerduty.webhook_secrets, 'pagerduty.webhook_secrets', problems);
  const requireSignature = optionalBoolean(pagerduty.require_signature, 'pagerduty.require_signature', problems) ?? false;
  if (requireSignature && webhookSecrets.length === 0) problems.push('pagerduty.require_signature: true needs pagerduty.webhook_secrets (or PAGERDUTY_WEBHOOK_SECRETS)');
  const apiToken = nonEmpty(env.PAGERDUTY_API_TOKEN) ?? optionalString(pagerduty.api_token, 'pagerduty.api_token', problems);
  const apiUrl = (optionalString(pagerduty.api_url, 'pagerduty.api_url', problems) ?? 'https://api.pagerduty.com').replace(/\/+$/, '');

  const stateDir = optionalString(root.state_dir, 'state_dir', problems) ?? join(tmpdir(), 'mattermost-incident');
  const deadlineSeconds = optionalNumber(root.deadline_seconds, 'deadline_seconds', problems) ?? DEFAULT_DEADLINE_SECONDS;
  if (deadlineSeconds <= 0 || deadlineSeconds > 300) problems.push(`deadline_seconds: must be between 0 and 300, got ${deadlineSeconds}`);

  // Unknown keys are only warned about, so a conf.yaml with extra keys of its own keeps working.
  warnUnknown(root, '', ['mattermost_api', 'notification_settings', 'pagerduty', 'state_dir', 'deadline_seconds'], warnings);
  warnUnknown(api, 'mattermost_api.', ['url', 'token', 'login_id', 'password'], warnings);
  warnUnknown(settings, 'notification_settings.', ['team_name', 'alert_users', 'announcement_channel', 'archive_on_resolve', 'user_map'], warnings);
  warnUnknown(pagerduty, 'pagerduty.', ['webhook_secrets', 'require_signature', 'api_token', 'api_url'], warnings);

  if (problems.length > 0 || !auth || !teamName) throw new ConfigError(source, problems);
  const config: Config = {
    mattermost: { url: normalisedUrl, auth },
    teamName,
    alertUsers,
    announcementChannel,
    archiveOnResolve,
    userMap,
    pagerduty: { webhookSecrets, requireSignature, apiToken, apiUrl },
    stateDir,
    deadlineMs: Math.round(deadlineSeconds * 1000),
  };
  return { config, warnings };
}

function warnUnknown(section: Obj, prefix: string, known: string[], warnings: string[]): void {
  for (const key of Object.keys(section)) if (!known.includes(key)) warnings.push(`${prefix}${key}: unknown key, ignored`);
}

type Obj = Record<string, unknown>;

function asObject(value: unknown, path: string, problems: string[], required = false): Obj | undefined {
  if (value === undefined || value === null) {
    if (required) problems.push(`${path}: required section is missing`);
    return undefined;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path}: must be a mapping, got ${describe(value)}`);
    return undefined;
  }
  return value as Obj;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== '' ? value.trim() : undefined;
}

function optionalString(value: unknown, path: string, problems: string[], options: { allowNumber?: boolean } = {}): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && options.allowNumber) return String(value);
  if (typeof value !== 'string') {
    problems.push(`${path}: must be a string, got ${describe(value)}`);
    return undefined;
  }
  return nonEmpty(value);
}

function optionalBoolean(value: unknown, path: string, problems: string[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    problems.push(`${path}: must be true or false, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

function optionalNumber(value: unknown, path: string, problems: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    problems.push(`${path}: must be a number, got ${describe(value)}`);
    return undefined;
  }
  return value;
}

function stringList(value: unknown, path: string, problems: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${path}: must be a list, got ${describe(value)}`);
    return [];
  }
  const out: string[] = [];
  value.forEach((item, i) => {
    if (typeof item !== 'string' || item.trim() === '') problems.push(`${path}[${i}]: must be a non-empty string, got ${describe(item)}`);
    else out.push(item.trim());
  });
  return out;
}

function stringMap(value: unknown, path: string, problems: string[]): Record<string, string> {
  const obj = asObject(value, path, problems);
  const out: Record<string, string> = Object.create(null);
  for (const [key, item] of Object.entries(obj ?? {})) {
    if (typeof item !== 'string' || item.trim() === '') problems.push(`${path}.${key}: must be a Mattermost username, got ${describe(item)}`);
    else out[key.toLowerCase()] = item.trim().replace(/^@/, '');
  }
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `"${value}"`;
  return `${typeof value} ${String(value)}`;
}

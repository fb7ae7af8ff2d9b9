import { homedir } from 'node:os';
import { parseConfigText } from './parse-config';
import { readConfigFile } from './read-config';
import { type Env, type ValidatedConfig, validateConfig } from './validate-config';

export interface ConfigLocation {
  readonly path: string;
  /** Neither --config nor MATTERMOST_INCIDENT_CONFIG named it: a missing file says where it was looked for. */
  readonly defaulted: boolean;
  readonly cwd: string;
}

/** Reads, parses and validates conf.yaml; warnings (unknown keys, a file others can read) go to `warn`. */
export function loadConfig(location: ConfigLocation, env: Env, warn: (message: string) => void): ValidatedConfig {
  const { path } = location;
  const file = readConfigFile(path, location.defaulted ? location.cwd : undefined);
  const raw = parseConfigText(file.text, path);
  const validated = validateConfig(raw, env, path, { homeDir: () => homedir() });
  for (const warning of validated.warnings) warn(`${path}: ${warning}`);
  if (fileHoldsSecrets(raw) && (file.mode & 0o044) !== 0) warn(`${path} holds secrets and is readable by others (mode ${file.mode.toString(8)}); run: chmod 600 ${path}`);
  return validated;
}

/** Whether the file itself (not the environment) holds a token, password or secret. */
function fileHoldsSecrets(raw: unknown): boolean {
  const get = (section: string, key: string) => ((raw as Record<string, Record<string, unknown> | undefined> | null)?.[section] ?? {})[key];
  const filled = (value: unknown) => (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== '');
  return [get('mattermost_api', 'token'), get('mattermost_api', 'password'), get('pagerduty', 'api_token'), get('pagerduty', 'webhook_secrets'), get('chatops', 'action_secret'), get('chatops', 'command_tokens'), get('jira', 'api_token')].some(filled);
}

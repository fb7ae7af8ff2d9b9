import type { Config } from './config';
import { parseConfigText } from './parse-config';
import { readConfigFile } from './read-config';
import { type Env, validateConfig } from './validate-config';

/** Reads, parses and validates conf.yaml; warnings (unknown keys, a file others can read) go to `warn`. */
export function loadConfig(path: string, env: Env, warn: (message: string) => void): Config {
  const file = readConfigFile(path);
  const raw = parseConfigText(file.text, path);
  const { config, warnings } = validateConfig(raw, env, path);
  for (const warning of warnings) warn(`${path}: ${warning}`);
  if (fileHoldsSecrets(raw) && (file.mode & 0o044) !== 0) warn(`${path} holds secrets and is readable by others (mode ${file.mode.toString(8)}); run: chmod 600 ${path}`);
  return config;
}

/** Whether the file itself (not the environment) holds a token, password or secret. */
function fileHoldsSecrets(raw: unknown): boolean {
  const get = (section: string, key: string) => ((raw as Record<string, Record<string, unknown> | undefined> | null)?.[section] ?? {})[key];
  const filled = (value: unknown) => (Array.isArray(value) ? value.length > 0 : value !== undefined && value !== null && value !== '');
  return [get('mattermost_api', 'token'), get('mattermost_api', 'password'), get('pagerduty', 'api_token'), get('pagerduty', 'webhook_secrets')].some(filled);
}

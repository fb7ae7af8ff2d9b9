/** One run of a command: the config loaded, secrets hidden from every line, errors turned into a line and a code. */
import type { CliIo } from './cli-program';
import type { Config } from './config/config';
import type { ConfigLocation } from './config/load-config';
import type { ValidatedConfig } from './config/validate-config';
import { IncidentToolError, UsageError } from './errors';
import type { Logger } from './log';

export type Env = Readonly<Record<string, string | undefined>>;

export interface CommandContext {
  readonly config: Config;
  /** What `check` reports beyond errors: unknown keys, sample values left in. */
  readonly findings: Pick<ValidatedConfig, 'unknownKeys' | 'placeholders'>;
  readonly log: Logger;
  /** One line to stdout, with the config's secrets hidden. */
  readonly out: (line: string) => void;
  readonly env: Env;
  readonly io: CliIo;
}

export type CommandRun = (context: CommandContext, options: Record<string, unknown>) => Promise<number>;

/**
 * Loads the config and runs a command with a logger and an output that hide the config's secrets; any error
 * becomes one line on stderr (no stack trace unless MATTERMOST_INCIDENT_DEBUG is set) and an exit code.
 */
export async function withConfig(location: ConfigLocation, env: Env, io: CliIo, work: (context: CommandContext) => Promise<number>): Promise<number> {
  const { createLogger, redact } = await import('./log');
  const { secretsOf } = await import('./config/config');
  const { loadConfig } = await import('./config/load-config');
  const { exitCodeFor } = await import('./cli-program');
  let secrets: readonly string[] = [];
  const log = createLogger(io.stderr, () => secrets);
  try {
    const { config, unknownKeys, placeholders } = loadConfig(location, env, (m) => log.warn(m));
    secrets = secretsOf(config);
    return await work({ config, findings: { unknownKeys, placeholders }, log, out: (line) => io.stdout(`${redact(line, secrets)}\n`), env, io });
  } catch (error) {
    const message = error instanceof IncidentToolError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr(`mattermost-incident: error: ${redact(message, secrets)}\n`);
    if (!(error instanceof IncidentToolError) && env.MATTERMOST_INCIDENT_DEBUG) io.stderr(`${(error as Error).stack}\n`);
    return exitCodeFor(error);
  }
}

/** Where the body comes from: after --body (taken as it is), an argument (`-` for standard input), or a file. */
export type BodyInput = { readonly body: string } | { readonly argument?: string; readonly file?: string };

export interface DeliveryRequest {
  readonly source: string;
  /** The headers the hook passed, lower-cased. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly dryRun: boolean;
}

export function runDelivery(location: ConfigLocation, input: BodyInput, options: DeliveryRequest, env: Env, io: CliIo): Promise<number> {
  return withConfig(location, env, io, async ({ config, log, out }) => {
    const { readPayload, nodePayloadIo } = await import('./sources/read-body');
    const { sourceFor, SOURCE_IDS } = await import('./sources/registry');
    const id = SOURCE_IDS.find((s) => s === options.source.trim().toLowerCase());
    if (!id) throw new UsageError(`--source: "${options.source.slice(0, 40)}" is not a source; use one of ${SOURCE_IDS.join(', ')}`);
    const source = sourceFor(id);
    const body = 'body' in input ? Buffer.from(input.body, 'utf8') : await readPayload(input, { ...nodePayloadIo, ...(io.stdin ? { stdin: io.stdin } : {}) }, source.maxBodyBytes);
    const { deliver } = await import('./commands/deliver');
    await deliver({ source: id, request: { body, headers: options.headers }, config, log, out, dryRun: options.dryRun, webhookId: options.headers['x-webhook-id'] });
    return 0;
  });
}

export async function runCheck({ config, findings, log, out }: CommandContext, options: { route?: string; source?: string } = {}): Promise<number> {
  const { check } = await import('./commands/check');
  const { SOURCE_IDS } = await import('./sources/registry');
  let route: { body: Buffer; source: (typeof SOURCE_IDS)[number] } | undefined;
  if (options.route !== undefined) {
    const source = SOURCE_IDS.find((s) => s === (options.source ?? 'pagerduty').toLowerCase());
    if (!source) throw new UsageError(`--source: "${options.source}" is not a source; use one of ${SOURCE_IDS.join(', ')}`);
    const { readPayload, nodePayloadIo } = await import('./sources/read-body');
    route = { body: await readPayload({ file: options.route }, nodePayloadIo, 4 * 1024 * 1024), source };
  }
  const outcome = await check({ config, findings, log, out, route });
  return outcome === 'ok' ? 0 : outcome === 'unreachable' ? 75 : 2;
}

export async function runReplay({ config, log, out }: CommandContext, options: { retarget: boolean }): Promise<number> {
  const { replay } = await import('./commands/replay');
  const { exitCodeFor } = await import('./cli-program');
  const result = await replay({ config, log, out, retarget: options.retarget });
  return result.error === undefined ? 0 : exitCodeFor(result.error);
}

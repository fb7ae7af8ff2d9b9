/** One run of a command: the config loaded, secrets hidden from every line, errors turned into a line and a code. */
import type { CliIo } from './cli-program';
import type { Config } from './config/config';
import type { ConfigLocation } from './config/load-config';
import type { ValidatedConfig } from './config/validate-config';
import { IncidentToolError } from './errors';
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

export function runDelivery(location: ConfigLocation, input: BodyInput, options: { signature?: string; dryRun: boolean }, env: Env, io: CliIo): Promise<number> {
  return withConfig(location, env, io, async ({ config, log, out }) => {
    const { readPayload, nodePayloadIo } = await import('./sources/read-body');
    const { sourceFor } = await import('./sources/registry');
    const source = sourceFor('pagerduty');
    const body = 'body' in input ? Buffer.from(input.body, 'utf8') : await readPayload(input, { ...nodePayloadIo, ...(io.stdin ? { stdin: io.stdin } : {}) }, source.maxBodyBytes);
    const { deliver } = await import('./commands/deliver');
    const request = { body, headers: { 'x-pagerduty-signature': options.signature } };
    await deliver({ source: source.id, request, config, log, out, dryRun: options.dryRun, webhookId: env.PAGERDUTY_WEBHOOK_ID || undefined });
    return 0;
  });
}

export async function runCheck({ config, findings, log, out }: CommandContext): Promise<number> {
  const { check } = await import('./commands/check');
  const outcome = await check({ config, findings, log, out });
  return outcome === 'ok' ? 0 : outcome === 'unreachable' ? 75 : 2;
}

export async function runReplay({ config, log, out }: CommandContext, options: { retarget: boolean }): Promise<number> {
  const { replay } = await import('./commands/replay');
  const { exitCodeFor } = await import('./cli-program');
  const result = await replay({ config, log, out, retarget: options.retarget });
  return result.error === undefined ? 0 : exitCodeFor(result.error);
}

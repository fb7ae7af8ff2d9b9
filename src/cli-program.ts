import type { Config } from './config/config';
import { ApiError, ConfigError, IncidentToolError, PayloadError, SignatureError, TimeoutError, UsageError } from './errors';
import type { Logger } from './log';

/** Exit codes, as the README documents them. */
export const EXIT = { ok: 0, failure: 1, permanent: 2, temporary: 75 } as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin?: () => AsyncIterable<Buffer | string>;
}

const VERSION: string = require('../package.json').version;

const HELP_EXAMPLES = `
Examples:
  $ mattermost-incident "$(cat test_data/incident.trigger.json)"   handle one delivery, reading ./conf.yaml
  $ mattermost-incident --payload-file body.json --config /etc/mattermost-incident/conf.yaml
  $ mattermost-incident --dry-run - < test_data/incident.resolve.json   show the calls, change nothing
  $ mattermost-incident check                                        test the config against Mattermost
  $ mattermost-incident replay                                       re-apply what failed while Mattermost was away

Exit codes: 0 handled or ignored, 2 permanent problem (usage, config, payload, signature),
75 temporary (Mattermost unreachable, 5xx, 429: PagerDuty should retry), 1 anything else.`;

/** Maps the tool's error classes to exit codes; the only place that does. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof PayloadError || error instanceof SignatureError) return EXIT.permanent;
  if (error instanceof TimeoutError) return EXIT.temporary;
  if (error instanceof ApiError) {
    if (error.transient) return EXIT.temporary;
    // The token, team or a channel the config names is wrong: fixing the setup is the only cure.
    if (error.status === 401 || error.status === 403 || error.status === 404) return EXIT.permanent;
  }
  return EXIT.failure;
}

/** Runs the command line with everything it touches passed in; returns the exit code. */
export async function main(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const { Command, CommanderError } = await import('commander');
  let exitCode: number = EXIT.ok;
  const program = new Command('mattermost-incident')
    .description('Turns a PagerDuty webhook delivery into incident channels, timelines and announcements in Mattermost.')
    .version(VERSION)
    .argument('[payload]', 'the raw webhook body (JSON); - reads standard input')
    .option('--config <path>', 'conf.yaml to use (env MATTERMOST_INCIDENT_CONFIG)', env.MATTERMOST_INCIDENT_CONFIG || 'conf.yaml')
    .option('--payload-file <path>', 'read the body from a file, - for standard input (env MATTERMOST_INCIDENT_PAYLOAD_FILE)', env.MATTERMOST_INCIDENT_PAYLOAD_FILE || undefined)
    .option('--signature <value>', 'the X-PagerDuty-Signature header (env PAGERDUTY_SIGNATURE)', env.PAGERDUTY_SIGNATURE || undefined)
    .option('--dry-run', 'print the Mattermost calls that would change something, and make none of them')
    .addHelpText('after', HELP_EXAMPLES)
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (payload: string | undefined, opts: { config: string; payloadFile?: string; signature?: string; dryRun?: boolean }) => {
      if (payload === undefined && opts.payloadFile === undefined) {
        io.stderr(`${program.helpInformation()}\nmattermost-incident: error: no payload given\n`);
        exitCode = EXIT.permanent;
        return;
      }
      exitCode = await runDelivery(payload, opts, env, io);
    });
  const configCommands: [string, string, (path: string, env: Env, io: CliIo) => Promise<number>][] = [
    ['check', 'check the config and the live Mattermost setup, one line per check', runCheck],
    ['replay', 're-apply the deliveries kept as dead letters, oldest first, removing each one that succeeds', runReplay],
  ];
  for (const [name, description, runCommand] of configCommands) {
    program
      .command(name)
      .description(description)
      .option('--config <path>', 'conf.yaml to use (env MATTERMOST_INCIDENT_CONFIG)', env.MATTERMOST_INCIDENT_CONFIG || 'conf.yaml')
      .action(async (opts: { config: string }) => {
        exitCode = await runCommand(opts.config, env, io);
      });
  }

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.permanent;
    }
    io.stderr(`mattermost-incident: error: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeFor(error);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

interface CommandContext {
  readonly config: Config;
  readonly log: Logger;
  /** One line to stdout, with the config's secrets hidden. */
  readonly out: (line: string) => void;
}

/**
 * Loads the config and runs a command with a logger and an output that hide the config's secrets; any error
 * becomes one line on stderr (no stack trace unless MATTERMOST_INCIDENT_DEBUG is set) and an exit code.
 */
async function withConfig(path: string, env: Env, io: CliIo, work: (context: CommandContext) => Promise<number>): Promise<number> {
  const { createLogger, redact } = await import('./log');
  const { secretsOf } = await import('./config/config');
  const { loadConfig } = await import('./config/load-config');
  let secrets: readonly string[] = [];
  const log = createLogger(io.stderr, () => secrets);
  try {
    const config = loadConfig(path, env, (m) => log.warn(m));
    secrets = secretsOf(config);
    return await work({ config, log, out: (line) => io.stdout(`${redact(line, secrets)}\n`) });
  } catch (error) {
    const message = error instanceof IncidentToolError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
    io.stderr(`mattermost-incident: error: ${redact(message, secrets)}\n`);
    if (!(error instanceof IncidentToolError) && env.MATTERMOST_INCIDENT_DEBUG) io.stderr(`${(error as Error).stack}\n`);
    return exitCodeFor(error);
  }
}

function runDelivery(payload: string | undefined, opts: { config: string; payloadFile?: string; signature?: string; dryRun?: boolean }, env: Env, io: CliIo): Promise<number> {
  return withConfig(opts.config, env, io, async ({ config, log, out }) => {
    const { readPayload, nodePayloadIo } = await import('./sources/read-body');
    const { sourceFor } = await import('./sources/registry');
    const source = sourceFor('pagerduty');
    const body = await readPayload({ argument: payload, file: opts.payloadFile }, { ...nodePayloadIo, ...(io.stdin ? { stdin: io.stdin } : {}) }, source.maxBodyBytes);
    const { deliver } = await import('./commands/deliver');
    const request = { body, headers: { 'x-pagerduty-signature': opts.signature } };
    await deliver({ source: source.id, request, config, log, out, dryRun: opts.dryRun, webhookId: env.PAGERDUTY_WEBHOOK_ID || undefined });
    return EXIT.ok;
  });
}

function runCheck(path: string, env: Env, io: CliIo): Promise<number> {
  return withConfig(path, env, io, async ({ config, log, out }) => {
    const { check } = await import('./commands/check');
    const outcome = await check({ config, log, out });
    return outcome === 'ok' ? EXIT.ok : outcome === 'unreachable' ? EXIT.temporary : EXIT.permanent;
  });
}

function runReplay(path: string, env: Env, io: CliIo): Promise<number> {
  return withConfig(path, env, io, async ({ config, log, out }) => {
    const { replay } = await import('./commands/replay');
    const result = await replay({ config, log, out });
    return result.error === undefined ? EXIT.ok : exitCodeFor(result.error);
  });
}

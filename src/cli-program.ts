import type { Command } from 'commander';
import { ApiError, ConfigError, PayloadError, SignatureError, StateError, StoreUnavailable, TimeoutError, UsageError } from './errors';
import { type CommandRun, type Env, withConfig } from './cli-run';

/** Exit codes, as the README documents them. */
export const EXIT = { ok: 0, failure: 1, permanent: 2, temporary: 75 } as const;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly stdin?: () => AsyncIterable<Buffer | string>;
  /** The working directory, where `conf.yaml` is looked for by default. */
  readonly cwd: string;
}

const VERSION: string = require('../package.json').version;

/** The marker the sample hooks put before the raw body: what follows it is the body, never an option. */
export const BODY_MARKER = '--body';

const HELP_EXAMPLES = `
Examples:
  $ mattermost-incident "$(cat test_data/incident.trigger.json)"   handle one delivery, reading ./conf.yaml
  $ mattermost-incident --payload-file body.json --config /etc/mattermost-incident/conf.yaml
  $ mattermost-incident --dry-run - < test_data/incident.resolve.json   show what it would do, change nothing
  $ mattermost-incident check                                        test the config against Mattermost
  $ mattermost-incident replay                                       re-apply what failed while Mattermost was away

The hooks of hooks.json.sample pass the raw body after --body, so no body can be taken for an option.

Exit codes: 0 handled or ignored, 2 permanent problem (usage, config, payload, signature, a setup that
Mattermost refuses), 75 temporary (Mattermost unreachable, 5xx, 429: the sender should retry), 1 anything else.`;

/** Maps the tool's error classes to exit codes; the only place that does. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof PayloadError || error instanceof SignatureError || error instanceof StateError) return EXIT.permanent;
  if (error instanceof TimeoutError || error instanceof StoreUnavailable) return EXIT.temporary;
  if (error instanceof ApiError) {
    if (error.transient) return EXIT.temporary;
    // The URL, token, team or a channel the config names is wrong: fixing the setup is the only cure.
    if (error.status < 400 || error.status === 401 || error.status === 403 || error.status === 404) return EXIT.permanent;
  }
  return EXIT.failure;
}

/** Splits off `--body <raw>`: the raw body is taken as it is, whatever its bytes. */
export function splitBody(argv: readonly string[]): { args: string[]; body?: string } {
  const at = argv.indexOf(BODY_MARKER);
  if (at < 0) return { args: [...argv] };
  if (at !== argv.length - 2) throw new UsageError(`${BODY_MARKER} takes the raw body and must come last (got ${argv.length - at - 1} arguments after it)`);
  return { args: argv.slice(0, at), body: argv[at + 1] };
}

interface DeliveryOptions {
  readonly config?: string;
  readonly source?: string;
  readonly payloadFile?: string;
  readonly signature?: string;
  readonly authorization?: string;
  readonly dryRun?: boolean;
}

/** Runs the command line with everything it touches passed in; returns the exit code. */
export async function main(argv: readonly string[], env: Env, io: CliIo): Promise<number> {
  const { Command, CommanderError } = await import('commander');
  let split: { args: string[]; body?: string };
  try {
    split = splitBody(argv);
  } catch (error) {
    io.stderr(`mattermost-incident: error: ${(error as Error).message}\n`);
    return EXIT.permanent;
  }
  let exitCode: number = EXIT.ok;
  const program: Command = new Command('mattermost-incident')
    .description('Turns alert webhooks into incident channels, timelines and announcements in Mattermost.')
    .version(VERSION)
    .argument('[payload]', 'the raw webhook body (JSON); - reads standard input')
    .option('--config <path>', 'conf.yaml to use (env MATTERMOST_INCIDENT_CONFIG; default ./conf.yaml)')
    .option('--source <name>', 'who sent the body: pagerduty, alertmanager, grafana or opsgenie (env MATTERMOST_INCIDENT_SOURCE; default pagerduty)')
    .option('--payload-file <path>', 'read the body from a file, - for standard input (env MATTERMOST_INCIDENT_PAYLOAD_FILE)')
    .option('--signature <value>', 'the X-PagerDuty-Signature header (env PAGERDUTY_SIGNATURE)')
    .option('--authorization <value>', 'the Authorization header, for sources checked by it (env MATTERMOST_INCIDENT_AUTHORIZATION)')
    .option('--dry-run', 'read what it needs, print what a real run would change, and change nothing')
    .addHelpText('after', HELP_EXAMPLES)
    .helpCommand(true)
    .enablePositionalOptions()
    .showSuggestionAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .action(async (payload: string | undefined, opts: DeliveryOptions) => {
      const file = opts.payloadFile ?? (env.MATTERMOST_INCIDENT_PAYLOAD_FILE || undefined);
      if (payload === undefined && split.body === undefined && file === undefined) {
        io.stderr(`${program.helpInformation()}\nmattermost-incident: error: no payload given\n`);
        exitCode = EXIT.permanent;
        return;
      }
      const { runDelivery } = await import('./cli-run');
      const input = split.body !== undefined ? { body: split.body } : { argument: payload, file };
      const source = opts.source ?? (env.MATTERMOST_INCIDENT_SOURCE || 'pagerduty');
      const headers = {
        'x-pagerduty-signature': opts.signature ?? (env.PAGERDUTY_SIGNATURE || undefined),
        'x-webhook-id': env.PAGERDUTY_WEBHOOK_ID || undefined,
        authorization: opts.authorization ?? (env.MATTERMOST_INCIDENT_AUTHORIZATION || undefined),
        'x-grafana-alerting-signature': env.GRAFANA_SIGNATURE || undefined,
        'x-grafana-alerting-timestamp': env.GRAFANA_SIGNATURE_TIMESTAMP || undefined,
      };
      exitCode = await runDelivery(configLocation(opts.config, env, io), input, { source, headers, dryRun: opts.dryRun === true }, env, io);
    });

  const configCommand = (name: string, description: string, run: CommandRun) =>
    program
      .command(name)
      .description(description)
      .option('--config <path>', 'conf.yaml to use (env MATTERMOST_INCIDENT_CONFIG; default ./conf.yaml)')
      .action(async (opts: { config?: string } & Record<string, unknown>) => {
        exitCode = await withConfig(configLocation(opts.config ?? program.opts<DeliveryOptions>().config, env, io), env, io, (context) => run(context, opts));
      });
  configCommand('check', 'check the config and the live Mattermost setup, one line per check', async (context, opts) =>
    (await import('./cli-run')).runCheck(context, { route: typeof opts.route === 'string' ? opts.route : undefined, source: typeof opts.source === 'string' ? opts.source : undefined }),
  )
    .option('--route <file>', 'also say which route the delivery in this file takes')
    .option('--source <name>', "the sample delivery's source (default: told by its shape, else pagerduty)");
  configCommand('replay', 're-apply the deliveries kept as dead letters, oldest first, removing each one that succeeds', async (context, opts) =>
    (await import('./cli-run')).runReplay(context, { retarget: opts.retarget === true }),
  ).option('--retarget', 'also apply letters kept for another Mattermost URL or team, to the configured ones');

  // What Mattermost sends for buttons, dialogs and the slash command: the answer is always one JSON document.
  let chatops: 'action' | 'command' | undefined;
  for (const [name, description] of [
    ['action', 'answer a button click or a dialog submission from Mattermost (JSON), as the mattermost_action hook does'],
    ['command', 'answer the /incident slash command from Mattermost (a form body), as the mattermost_command hook does'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .argument('[payload]', 'the raw request body; - reads standard input')
      .option('--config <path>', 'conf.yaml to use (env MATTERMOST_INCIDENT_CONFIG; default ./conf.yaml)')
      .option('--payload-file <path>', 'read the body from a file, - for standard input')
      .configureOutput({ writeOut: io.stdout, writeErr: () => undefined })
      .hook('preAction', () => void (chatops = name))
      .action(async (payload: string | undefined, opts: { config?: string; payloadFile?: string }) => {
        const { runChatops } = await import('./cli-run');
        const input = split.body !== undefined ? { body: split.body } : { argument: payload, file: opts.payloadFile ?? (env.MATTERMOST_INCIDENT_PAYLOAD_FILE || undefined) };
        exitCode = await runChatops(name, configLocation(opts.config ?? program.opts<DeliveryOptions>().config, env, io), input, env, io);
      });
  }
  configCommand('setup-command', 'create the /incident slash command in the team (or find it), and print its token for chatops.command_tokens', async (context, opts) =>
    (await import('./cli-run')).runSetupCommand(context, { url: typeof opts.url === 'string' ? opts.url : '', trigger: typeof opts.trigger === 'string' ? opts.trigger : 'incident' }),
  )
    .requiredOption('--url <url>', "the mattermost_command hook's URL, as Mattermost will reach it")
    .option('--trigger <word>', 'the command word', 'incident');

  try {
    await program.parseAsync(split.args, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError && (chatops ?? chatopsNamed(split.args))) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help') return EXIT.ok;
      io.stdout(`${JSON.stringify({ ephemeral_text: 'The incident tool was called wrongly by its hook; nothing was changed. The admin can compare the hook with hooks.json.sample.', response_type: 'ephemeral', text: 'The incident tool was called wrongly by its hook; nothing was changed.' })}\n`);
      return EXIT.ok;
    }
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.permanent;
    }
    io.stderr(`mattermost-incident: error: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeFor(error);
  }
}

/** The command line is one of the chatops entries, whatever else is wrong with it. */
function chatopsNamed(args: readonly string[]): boolean {
  const first = args.find((a) => !a.startsWith('-'));
  return first === 'action' || first === 'command';
}

/** Where conf.yaml is: the option, else the environment, else ./conf.yaml (then a missing file says where it looked). */
function configLocation(option: string | undefined, env: Env, io: CliIo): { path: string; defaulted: boolean; cwd: string } {
  const given = option ?? (env.MATTERMOST_INCIDENT_CONFIG || undefined);
  return { path: given ?? 'conf.yaml', defaulted: given === undefined, cwd: io.cwd };
}

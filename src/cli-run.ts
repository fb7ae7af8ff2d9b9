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
  let route: { body: Buffer; source: (typeof SOURCE_IDS)[number]; recognised: boolean } | undefined;
  if (options.route !== undefined) {
    const given = options.source === undefined ? undefined : SOURCE_IDS.find((s) => s === options.source!.toLowerCase());
    if (options.source !== undefined && !given) throw new UsageError(`--source: "${options.source}" is not a source; use one of ${SOURCE_IDS.join(', ')}`);
    const { readPayload, nodePayloadIo } = await import('./sources/read-body');
    const body = await readPayload({ file: options.route }, nodePayloadIo, 4 * 1024 * 1024);
    const recognised = given ? undefined : (await import('./sources/recognise-source')).recogniseSource(body);
    route = { body, source: given ?? recognised ?? 'pagerduty', recognised: recognised !== undefined };
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

export async function runSetupCommand({ config, log, io }: CommandContext, options: { url: string; trigger: string }): Promise<number> {
  const { setupCommand } = await import('./commands/setup-command');
  // The token is printed on purpose: it is what the admin came for.
  await setupCommand({ config, log, out: (line) => io.stdout(`${line}\n`), url: options.url, trigger: options.trigger });
  return 0;
}

export type ChatopsKind = 'action' | 'command';

/**
 * An action from Mattermost (a click, a dialog, a slash command): exactly one JSON document on stdout, nothing
 * on stderr, exit 0 whatever happens; the daemon joins stdout and stderr into the answer, and anything but 200
 * and JSON shows the person a generic error. Diagnostics go to `chatops.log` under `state_dir`.
 */
export async function runChatops(kind: ChatopsKind, location: ConfigLocation, input: BodyInput, env: Env, io: CliIo): Promise<number> {
  const { redact } = await import('./log');
  const { secretsOf } = await import('./config/config');
  const { actionLog } = await import('./state/action-log');
  const { serialiseReply } = await import('./chatops/reply');
  const target = kind === 'action' ? 'click' : 'command';
  let secrets: readonly string[] = [];
  const say = (document: Record<string, unknown>) => io.stdout(`${redact(JSON.stringify(document), secrets)}\n`);
  const { homedir } = require('node:os') as typeof import('node:os');
  const { defaultStateDir } = await import('./config/validate-config');
  let log = actionLog(defaultStateDir(env, () => homedir()), () => secrets);
  let config: Config;
  try {
    const { loadConfig } = await import('./config/load-config');
    const pending: string[] = [];
    const loaded = loadConfig(location, env, (m) => pending.push(m));
    config = loaded.config;
    secrets = secretsOf(config);
    log = actionLog(config.stateDir, () => secrets);
    for (const warning of pending) log.warn(warning);
  } catch (error) {
    log.warn(`configuration: ${(error as Error).message}`);
    say(serialiseReply({ kind: 'ephemeral', text: 'The incident tool cannot read its configuration, so nothing was done. The admin can run `mattermost-incident check` to see why.' }, target));
    return 0;
  }
  let body: Buffer;
  try {
    const { readPayload, nodePayloadIo } = await import('./sources/read-body');
    const { MAX_CHATOPS_BODY_BYTES } = await import('./chatops/request');
    body = 'body' in input ? Buffer.from(input.body, 'utf8') : await readPayload(input, { ...nodePayloadIo, ...(io.stdin ? { stdin: io.stdin } : {}) }, MAX_CHATOPS_BODY_BYTES);
  } catch (error) {
    log.warn(`no request body: ${(error as Error).message}`);
    say(serialiseReply({ kind: 'ephemeral', text: 'The incident tool got no request to act on; nothing was changed.' }, target));
    return 0;
  }
  try {
    const document = kind === 'action' ? await (await import('./commands/action')).handleAction(body, { config, log }) : await (await import('./commands/command')).handleCommand(body, { config, log });
    say(document);
  } catch (error) {
    log.warn(`unexpected: ${(error as Error).stack ?? String(error)}`);
    say(serialiseReply({ kind: 'ephemeral', text: 'Something unexpected went wrong; nothing was changed. The admin can find the details in chatops.log.' }, target));
  }
  return 0;
}

/**
 * The tool's error classes. Each has a stable `code`, which gives its `name`; the CLI entry maps classes to exit
 * codes in one place (`exitCodeFor` in cli-program.ts). Messages say what failed and where, and never contain a
 * secret.
 */

/** The classes' names by their codes: spelled out, since the build shortens class names. */
const NAMES: Readonly<Record<string, string>> = {
  usage: 'UsageError',
  config: 'ConfigError',
  payload: 'PayloadError',
  signature: 'SignatureError',
  api: 'ApiError',
  state: 'StateError',
  timeout: 'TimeoutError',
  store: 'StoreUnavailable',
};

export abstract class IncidentToolError extends Error {
  abstract readonly code: string;

  override get name(): string {
    return NAMES[this.code] ?? 'IncidentToolError';
  }
}

/** The command line was used wrongly (unknown option, no payload). */
export class UsageError extends IncidentToolError {
  readonly code = 'usage';
  // Spelled out: the build shortens class names.
}

/** conf.yaml or the environment is wrong; `problems` lists every one with its key path. */
export class ConfigError extends IncidentToolError {
  readonly code = 'config';
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`invalid configuration in ${source}: ${problems.join('; ')}`, options);
  }
}

/** The body cannot be read or is not a delivery of the source it came to. */
export class PayloadError extends IncidentToolError {
  readonly code = 'payload';
}

/** A delivery that must prove where it comes from (signature, credentials) did not. */
export class SignatureError extends IncidentToolError {
  readonly code = 'signature';
}

export type Service = 'Mattermost' | 'PagerDuty' | 'Jira' | 'Alertmanager';

/**
 * A request to one of the services the tool talks to failed. Carries the service, the request line, the HTTP
 * status (0 when no answer arrived) and the server's error id; never a token.
 */
export class ApiError extends IncidentToolError {
  readonly code = 'api';
  /** Worth trying again later: by default no answer, a server error or rate limiting. */
  readonly transient: boolean;
  constructor(
    readonly service: Service,
    readonly requestLine: string,
    readonly status: number,
    readonly errorId: string | undefined,
    detail: string,
    options?: { cause?: unknown; transient?: boolean },
  ) {
    super(`${requestLine} failed: ${status ? `HTTP ${status}` : 'no response'}${errorId ? ` (${errorId})` : ''}${detail ? `: ${detail}` : ''}`, options);
    this.transient = options?.transient ?? (status === 0 || status === 429 || status >= 500);
  }
}

/** The state directory or a file in it cannot be trusted or used (another user's, a link, too big). */
export class StateError extends IncidentToolError {
  readonly code = 'state';
}

/** The run could not finish in time (lock held too long, retry budget spent). Always temporary. */
export class TimeoutError extends IncidentToolError {
  readonly code = 'timeout';
}

/** The shared store (Redis) cannot be reached: nothing is done without its lock, and the sender retries. */
export class StoreUnavailable extends IncidentToolError {
  readonly code = 'store';
}

/** Whether trying the same thing again later may succeed: the sender should retry, `replay` should stop. */
export function isTemporary(error: unknown): boolean {
  return error instanceof TimeoutError || error instanceof StoreUnavailable || (error instanceof ApiError && error.transient);
}

/**
 * The tool's error classes. Each has a stable `code`; the CLI entry maps classes to exit codes in one place
 * (see `exitCodeFor` in cli.ts). Messages say what failed and where, and never contain a secret.
 */

export abstract class IncidentToolError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line was used wrongly (unknown option, no payload). */
export class UsageError extends IncidentToolError {
  readonly code = 'usage';
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

/** The webhook body cannot be read or is not a PagerDuty webhook we can trust. */
export class PayloadError extends IncidentToolError {
  readonly code = 'payload';
}

/** A signature was required and none of the given ones matched. */
export class SignatureError extends IncidentToolError {
  readonly code = 'signature';
}

/**
 * A Mattermost request failed. Carries the HTTP status (0 when no response arrived), Mattermost's error id
 * and the request line; never the token.
 */
export class MattermostError extends IncidentToolError {
  readonly code = 'mattermost';
  constructor(
    readonly requestLine: string,
    readonly status: number,
    readonly errorId: string | undefined,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${requestLine} failed: ${status ? `HTTP ${status}` : 'no response'}${errorId ? ` (${errorId})` : ''}${detail ? `: ${detail}` : ''}`, options);
  }

  /** Worth trying again later: no response, a server error or rate limiting. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

/** The run could not finish in time (lock held too long, retry budget spent). Always temporary. */
export class TimeoutError extends IncidentToolError {
  readonly code = 'timeout';
}

import type { Deadline, Sleep } from '../deadline';
import { realSleep } from '../deadline';
import { ApiError, ConfigError, PayloadError, type Service } from '../errors';
import { describeNetworkFailure } from './network-failure';
import { type Answer, AnswerTooLarge, type Transport, nodeTransport } from './node-transport';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * When a failed request is sent again. `retry`: any temporary failure (reads, and writes whose repetition changes
 * nothing). `retry-unless-applied`: a write that may have been applied when its answer was lost is not re-sent;
 * only answers that say it was not (429, 502, 503, 504, a refused connection) are. `no-retry`: one attempt.
 */
export type RetryPolicy = 'retry' | 'retry-unless-applied' | 'no-retry';

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Default: `retry` for GET, PUT and DELETE, `retry-unless-applied` for POST. */
  readonly retry?: RetryPolicy;
  /** Changes nothing on the server (a POST that only looks things up): a dry run sends it. */
  readonly read?: boolean;
  /** What a dry run prints instead of the body. */
  readonly describe?: string;
  readonly responseType?: 'json' | 'arraybuffer';
  /** The largest answer accepted; larger ones are an error, read no further. */
  readonly maxBytes?: number;
}

/** Answers larger than this are refused: a misbehaving server must not make the process grow without bound. */
export const MAX_JSON_ANSWER_BYTES = 32 * 1024 * 1024;

export interface HttpCoreOptions {
  readonly service: Service;
  /** Where requests go, e.g. `https://chat.example.com/api/v4`. */
  readonly baseUrl: string;
  /** The config key that sets the URL, named in errors that a wrong URL causes, and what a right one looks like. */
  readonly urlKey: string;
  readonly urlExample: string;
  /** A CA certificate (PEM file) trusted besides the system's, read when the first TLS connection is made. */
  readonly caFile?: { readonly path: string; readonly key: string };
  /** How request lines name the base in errors and dry runs (`/api/v4`, or the whole base URL). */
  readonly lineBase: string;
  readonly authorization?: () => string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly deadline: Deadline;
  /** Longest a single request may take even when more of the deadline is left. */
  readonly requestTimeoutMs: number;
  /** Reads the service's error id and message from an error answer. */
  readonly errorBody: (data: unknown) => { errorId?: string; detail?: string };
  /** Where requests go out; by default node:http(s) with one keep-alive agent. */
  readonly transport?: Transport;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** When set, writes are not sent: each is reported here and answered by `standIn`. */
  readonly dryRun?: (line: string) => void;
  readonly standIn?: (path: string, body: unknown, n: number) => unknown;
  readonly onRetry?: (message: string) => void;
}

const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 1000;

export interface HttpCore {
  request<T>(method: Method, path: string, options?: RequestOptions): Promise<T>;
  /** The same, with the answer's headers (a login's token comes in one). */
  requestWithHeaders<T>(method: Method, path: string, options?: RequestOptions): Promise<{ data: T; headers: Readonly<Record<string, unknown>> }>;
  close(): void;
}

/** One request function for a service: timeouts cut to the deadline, retries by policy, dry runs, errors. */
export function createHttpCore(options: HttpCoreOptions): HttpCore {
  let made: { transport: Transport; close: () => void } | undefined;
  const connection = () => (made ??= options.transport ? { transport: options.transport, close: () => undefined } : defaultTransport(options.baseUrl, options.caFile));
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const base = options.baseUrl.replace(/\/+$/, '');
  let dryRunIds = 0;

  async function send(method: Method, path: string, opts: RequestOptions): Promise<{ data: unknown; headers: Readonly<Record<string, unknown>> }> {
    const line = `${method} ${options.lineBase}${path}`;
    const read = opts.read ?? method === 'GET';
    if (options.dryRun && !read) {
      options.dryRun(`${line}${opts.describe ? `: ${opts.describe}` : opts.body === undefined ? '' : ` ${JSON.stringify(opts.body)}`}`);
      return { data: options.standIn?.(path, opts.body, ++dryRunIds) ?? {}, headers: {} };
    }
    const policy = opts.retry ?? (method === 'POST' && !read ? 'retry-unless-applied' : 'retry');
    const authorization = options.authorization?.();
    const url = new URL(`${base}${path}`);
    for (const [key, value] of Object.entries(opts.query ?? {})) url.searchParams.append(key, String(value));
    const json = opts.body !== undefined && !Buffer.isBuffer(opts.body);
    const body = opts.body === undefined ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(JSON.stringify(opts.body), 'utf8');
    const headers: Record<string, string> = { Accept: 'application/json, text/plain, */*', ...options.headers, ...(json ? { 'Content-Type': 'application/json' } : {}), ...opts.headers, ...(authorization ? { Authorization: authorization } : {}) };
    const binary = opts.responseType === 'arraybuffer';
    for (let attempt = 0; ; attempt++) {
      const remaining = options.deadline.remainingMs();
      if (remaining <= 0) throw new ApiError(options.service, line, 0, undefined, 'out of time before the request could be sent');
      const timeoutMs = Math.max(1, Math.min(remaining, options.requestTimeoutMs));
      let answer: Answer | undefined;
      let failure: ApiError;
      try {
        answer = await connection().transport({ method, url, headers, body, timeoutMs, maxBytes: opts.maxBytes ?? MAX_JSON_ANSWER_BYTES });
        if (answer.status >= 300 && answer.status < 400) throw redirectError(options, line, answer);
        if (answer.status < 300) {
          if (binary) return { data: answer.body, headers: answer.headers };
          const data = jsonOf(answer);
          if (data === undefined) throw notJsonError(options, line, answer);
          return { data, headers: answer.headers };
        }
        failure = errorFromResponse(options, line, answer);
      } catch (error) {
        if (error instanceof ApiError || error instanceof ConfigError) throw error;
        failure = errorFromException(options, line, error, timeoutMs);
      }
      const wait = retryDelay(failure, answer, attempt, policy, random);
      if (wait === undefined || wait >= options.deadline.remainingMs()) {
        if (attempt > 0) options.onRetry?.(`${line}: gave up after ${attempt + 1} attempts`);
        throw failure;
      }
      await sleep(wait);
    }
  }

  return {
    request: async <T>(method: Method, path: string, opts: RequestOptions = {}) => (await send(method, path, opts)).data as T,
    requestWithHeaders: async <T>(method: Method, path: string, opts: RequestOptions = {}) => {
      const { data, headers } = await send(method, path, opts);
      return { data: data as T, headers };
    },
    close: () => made?.close(),
  };
}

function defaultTransport(baseUrl: string, caFile: HttpCoreOptions['caFile']): { transport: Transport; close: () => void } {
  // One keep-alive connection per run; only the module the URL needs is loaded.
  const secure = baseUrl.startsWith('https:');
  const agent = secure
    ? new (require('node:https') as typeof import('node:https')).Agent({ keepAlive: true, ...(caFile ? { ca: trustedCertificates(caFile) } : {}) })
    : new (require('node:http') as typeof import('node:http')).Agent({ keepAlive: true });
  return { transport: nodeTransport(agent), close: () => agent.destroy() };
}

/** The answer as JSON, when it says it is and is: an object or an array. */
function jsonOf(answer: Answer): unknown {
  if (!/\bjson\b/i.test(String(answer.headers['content-type'] ?? ''))) return undefined;
  try {
    const data: unknown = JSON.parse(answer.body.toString('utf8'));
    return typeof data === 'object' && data !== null ? data : undefined;
  } catch {
    return undefined;
  }
}

function retryDelay(error: ApiError, response: Answer | undefined, attempt: number, policy: RetryPolicy, random: () => number): number | undefined {
  if (!error.transient || policy === 'no-retry') return undefined;
  // A write whose answer was lost may have been applied; the next delivery re-reads the state instead.
  const surelyNotApplied = error.status === 429 || error.status === 502 || error.status === 503 || error.status === 504 || isConnectFailure(error.cause);
  if (policy === 'retry-unless-applied' && !surelyNotApplied) return undefined;
  const retryAfter = Number(response?.headers['retry-after']);
  if (error.status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0) return Math.round(retryAfter * 1000);
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function isConnectFailure(cause: unknown): boolean {
  const code = (cause as { code?: string } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
}

function errorFromResponse(options: HttpCoreOptions, line: string, response: Answer): ApiError {
  let data: unknown = response.body.toString('utf8');
  try {
    data = JSON.parse(data as string);
  } catch {
    // Rate limiters and proxies answer in plain text.
  }
  const { errorId, detail } = typeof data === 'object' && data !== null ? options.errorBody(data) : {};
  const text = detail ?? (typeof data === 'string' ? data.trim().slice(0, 200) : '');
  return new ApiError(options.service, line, response.status, errorId, text);
}

function errorFromException(options: HttpCoreOptions, line: string, error: unknown, timeoutMs: number): ApiError {
  if (error instanceof AnswerTooLarge) {
    return new ApiError(options.service, line, 0, undefined, `the answer is larger than the tool accepts; is ${options.urlKey} the right server?`, { cause: error, transient: false });
  }
  const { reason, temporary } = describeNetworkFailure(error, { url: options.baseUrl, urlKey: options.urlKey, caKey: options.caFile?.key ?? caKeyFor(options.urlKey), timeoutMs });
  return new ApiError(options.service, line, 0, undefined, reason, { cause: error, transient: temporary });
}

/** The system's CA certificates and the configured one: Node's `ca` option replaces the list, so both go in. */
function trustedCertificates(caFile: NonNullable<HttpCoreOptions['caFile']>): string[] {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  let pem: string;
  try {
    pem = readFileSync(caFile.path, 'utf8');
  } catch (error) {
    throw new ConfigError(caFile.key, [`cannot read ${caFile.path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): it should be the PEM file of the CA that signed the server's certificate`], { cause: error });
  }
  return [...(require('node:tls') as typeof import('node:tls')).rootCertificates, pem];
}

function caKeyFor(urlKey: string): string {
  return `${urlKey.split('.')[0]}.ca_file`;
}

/** Redirects are not followed, so a token never goes to another address; the error says where it points. */
function redirectError(options: HttpCoreOptions, line: string, reply: Answer): ApiError {
  const location = typeof reply.headers.location === 'string' ? reply.headers.location : '';
  const base = new URL(options.baseUrl);
  let target: URL | undefined;
  try {
    target = new URL(location, options.baseUrl);
  } catch {
    // An unparseable Location names nothing to suggest.
  }
  let advice = `set ${options.urlKey} to the address it redirects to, or to the server's own base URL (redirects are not followed, so the token never goes elsewhere)`;
  if (target && base.protocol === 'http:' && target.protocol === 'https:' && target.hostname === base.hostname) {
    advice = `use https://${target.host}${stripApi(base.pathname)} in ${options.urlKey}`;
  }
  return new ApiError(options.service, line, reply.status, undefined, `the server redirects to ${target?.href ?? (location || 'nowhere')}: ${advice}`, { transient: false });
}

function notJsonError(options: HttpCoreOptions, line: string, reply: Answer): ApiError {
  const type = String(reply.headers['content-type'] ?? 'no content type').split(';')[0];
  const page = /html/i.test(type) || /^\s*</.test(reply.body.subarray(0, 200).toString('utf8'));
  const what = page ? 'an HTML page (a web page or a proxy\'s login page?)' : `${type}, not JSON`;
  return new ApiError(options.service, line, reply.status, undefined, `answered with ${what}, not the ${options.service} API: check ${options.urlKey} (it should look like ${options.urlExample})`, { transient: false });
}

function stripApi(pathname: string): string {
  return pathname.replace(/\/api\/v4\/?$/, '').replace(/\/$/, '');
}

/** A value as one path segment: encoded, and never empty, `.` or `..`, which would make it another route. */
export function pathSegment(segment: string): string {
  if (segment === '' || segment === '.' || segment === '..') throw new PayloadError(`refusing "${segment}" as part of a request path`);
  return encodeURIComponent(segment);
}

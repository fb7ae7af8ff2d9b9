import type { AxiosInstance, AxiosResponse } from 'axios';
import type { Deadline, Sleep } from '../deadline';
import { realSleep } from '../deadline';
import { ApiError, type Service } from '../errors';

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
}

export interface HttpCoreOptions {
  readonly service: Service;
  /** Where requests go, e.g. `https://chat.example.com/api/v4`. */
  readonly baseUrl: string;
  /** How request lines name the base in errors and dry runs (`/api/v4`, or the whole base URL). */
  readonly lineBase: string;
  readonly authorization?: () => string | undefined;
  readonly headers?: Readonly<Record<string, string>>;
  readonly deadline: Deadline;
  /** Longest a single request may take even when more of the deadline is left. */
  readonly requestTimeoutMs: number;
  /** Reads the service's error id and message from an error answer. */
  readonly errorBody: (data: unknown) => { errorId?: string; detail?: string };
  readonly http?: AxiosInstance;
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
  const { instance, close } = options.http ? { instance: options.http, close: () => undefined } : defaultInstance(options.baseUrl);
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
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
    for (let attempt = 0; ; attempt++) {
      const remaining = options.deadline.remainingMs();
      if (remaining <= 0) throw new ApiError(options.service, line, 0, undefined, 'out of time before the request could be sent');
      let response: AxiosResponse | undefined;
      let failure: ApiError;
      try {
        const reply: AxiosResponse = await instance.request({
          method,
          url: path,
          params: opts.query,
          data: opts.body,
          headers: { ...options.headers, ...opts.headers, ...(authorization ? { Authorization: authorization } : {}) },
          timeout: Math.max(1, Math.min(remaining, options.requestTimeoutMs)),
          responseType: opts.responseType ?? 'json',
        });
        response = reply;
        if (reply.status < 400) return { data: reply.data, headers: reply.headers as Record<string, unknown> };
        failure = errorFromResponse(options, line, reply);
      } catch (error) {
        failure = errorFromException(options.service, line, error);
      }
      const wait = retryDelay(failure, response, attempt, policy, random);
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
    close,
  };
}

function defaultInstance(baseUrl: string): { instance: AxiosInstance; close: () => void } {
  const axios = (require('axios') as typeof import('axios')).default;
  // One keep-alive connection per run; only the module the URL needs is loaded.
  const secure = baseUrl.startsWith('https:');
  const agent = secure ? new (require('node:https') as typeof import('node:https')).Agent({ keepAlive: true }) : new (require('node:http') as typeof import('node:http')).Agent({ keepAlive: true });
  const instance = axios.create({
    baseURL: baseUrl,
    ...(secure ? { httpsAgent: agent } : { httpAgent: agent }),
    maxRedirects: 0,
    validateStatus: () => true,
    transitional: { clarifyTimeoutError: true },
  });
  return { instance, close: () => agent.destroy() };
}

function retryDelay(error: ApiError, response: AxiosResponse | undefined, attempt: number, policy: RetryPolicy, random: () => number): number | undefined {
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

function errorFromResponse(options: HttpCoreOptions, line: string, response: AxiosResponse): ApiError {
  let data: unknown = response.data;
  if (data instanceof ArrayBuffer || Buffer.isBuffer(data)) data = Buffer.from(data as ArrayBuffer).toString('utf8');
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      // Rate limiters and proxies answer in plain text.
    }
  }
  const { errorId, detail } = typeof data === 'object' && data !== null ? options.errorBody(data) : {};
  const text = detail ?? (typeof data === 'string' ? data.trim().slice(0, 200) : '');
  return new ApiError(options.service, line, response.status, errorId, text);
}

function errorFromException(service: Service, line: string, error: unknown): ApiError {
  const code = (error as { code?: string }).code;
  const reason = code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timed out' : code ? code : (error as Error).message;
  return new ApiError(service, line, 0, undefined, reason, { cause: error });
}

import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import type { Channel, ChannelMembership, ServerChannel } from '@mattermost/types/channels';
import type { FileInfo } from '@mattermost/types/files';
import type { Post, PostList } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import { MattermostError } from '../errors';
import { type Deadline, type Sleep, realSleep } from './deadline';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RequestOptions {
  readonly query?: Readonly<Record<string, string | number | boolean>>;
  readonly body?: unknown;
  /** What a dry run prints instead of the body. */
  readonly describe?: string;
  /** Changes nothing on the server (a POST that only looks things up); a dry run sends these. */
  readonly read?: boolean;
  /** Safe to send again after a lost response: reads, and writes whose repetition changes nothing. */
  readonly idempotent?: boolean;
  readonly responseType?: 'json' | 'arraybuffer';
}

export interface ClientOptions {
  readonly baseUrl: string;
  readonly token?: string;
  readonly deadline: Deadline;
  /** Longest a single request may take even when more of the deadline is left. */
  readonly requestTimeoutMs?: number;
  readonly http?: AxiosInstance;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** When set, writes are not sent: each is reported here and answered with a stand-in. */
  readonly dryRun?: (line: string) => void;
  readonly onRetry?: (message: string) => void;
}

const RETRY_BASE_MS = 100;
const RETRY_CAP_MS = 1000;

/** Creates the Mattermost client: one `request` function and a one-line verb per API call the tool makes. */
export function createMattermostClient(options: ClientOptions) {
  let token = options.token;
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const instance =
    options.http ??
    axios.create({
      baseURL: `${options.baseUrl}/api/v4`,
      httpAgent,
      httpsAgent,
      maxRedirects: 0,
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const requestTimeoutMs = options.requestTimeoutMs ?? 3000;
  let dryRunIds = 0;

  async function request<T>(method: Method, path: string, opts: RequestOptions = {}): Promise<T> {
    const line = `${method} /api/v4${path}`;
    const read = opts.read ?? method === 'GET';
    if (options.dryRun && !read) {
      options.dryRun(`${line}${opts.describe ? `: ${opts.describe}` : opts.body === undefined ? '' : ` ${JSON.stringify(opts.body)}`}`);
      return standIn(path, opts.body, ++dryRunIds) as T;
    }
    const idempotent = opts.idempotent ?? (read || method !== 'POST');
    for (let attempt = 0; ; attempt++) {
      const remaining = options.deadline.remainingMs();
      if (remaining <= 0) throw new MattermostError(line, 0, undefined, 'out of time before the request could be sent');
      let response: AxiosResponse | undefined;
      let failure: MattermostError;
      try {
        const reply: AxiosResponse = await instance.request({
          method,
          url: path,
          params: opts.query,
          data: opts.body,
          headers: token ? { Authorization: `Bearer ${token}` } : {},
          timeout: Math.min(remaining, requestTimeoutMs),
          responseType: opts.responseType ?? 'json',
        });
        response = reply;
        if (reply.status < 400) return reply.data as T;
        failure = errorFromResponse(line, reply);
      } catch (error) {
        failure = errorFromException(line, error);
      }
      const wait = retryDelay(failure, response, attempt, idempotent, random);
      if (wait === undefined || wait >= options.deadline.remainingMs()) {
        if (attempt > 0) options.onRetry?.(`${line}: gave up after ${attempt + 1} attempts`);
        throw failure;
      }
      await sleep(wait);
    }
  }

  return {
    request,
    setToken: (value: string) => void (token = value),
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },

    login: async (loginId: string, password: string) => loginRequest(instance, options.baseUrl, loginId, password, options.deadline, requestTimeoutMs),
    getMe: () => request<UserProfile>('GET', '/users/me'),
    getTeamByName: (name: string) => request<Team>('GET', `/teams/name/${enc(name)}`),
    getUsersByUsernames: (usernames: readonly string[]) => request<UserProfile[]>('POST', '/users/usernames', { body: usernames, read: true }),
    getUsersByIds: (ids: readonly string[]) => request<UserProfile[]>('POST', '/users/ids', { body: ids, read: true }),
    getUserByEmail: (email: string) => request<UserProfile>('GET', `/users/email/${enc(email)}`),
    createChannel: (channel: Pick<Channel, 'team_id' | 'name' | 'display_name' | 'type' | 'header' | 'purpose'>) => request<ServerChannel>('POST', '/channels', { body: channel }),
    getChannelByName: (teamId: string, name: string) => request<ServerChannel>('GET', `/teams/${enc(teamId)}/channels/name/${enc(name)}`, { query: { include_deleted: true } }),
    getChannelByTeamName: (teamName: string, name: string) => request<ServerChannel>('GET', `/teams/name/${enc(teamName)}/channels/name/${enc(name)}`, { query: { include_deleted: true } }),
    patchChannel: (id: string, patch: Partial<Pick<Channel, 'header' | 'display_name' | 'purpose'>>) => request<ServerChannel>('PUT', `/channels/${enc(id)}/patch`, { body: patch }),
    addChannelMembers: (id: string, userIds: readonly string[]) => request<ChannelMembership[]>('POST', `/channels/${enc(id)}/members`, { body: { user_ids: userIds }, idempotent: true }),
    addChannelMember: (id: string, userId: string) => request<ChannelMembership>('POST', `/channels/${enc(id)}/members`, { body: { user_id: userId }, idempotent: true }),
    removeChannelMember: (id: string, userId: string) => request<unknown>('DELETE', `/channels/${enc(id)}/members/${enc(userId)}`),
    archiveChannel: (id: string) => request<unknown>('DELETE', `/channels/${enc(id)}`),
    restoreChannel: (id: string) => request<ServerChannel>('POST', `/channels/${enc(id)}/restore`, { idempotent: true }),
    createPost: (post: Pick<Post, 'channel_id' | 'message'> & Partial<Pick<Post, 'props' | 'file_ids' | 'root_id'>>) => request<Post>('POST', '/posts', { body: post }),
    getPosts: (channelId: string, page: number, perPage: number) => request<PostList>('GET', `/channels/${enc(channelId)}/posts`, { query: { page, per_page: perPage } }),
    getFileInfos: (postId: string) => request<FileInfo[]>('GET', `/posts/${enc(postId)}/files/info`),
    getFile: (fileId: string) => request<ArrayBuffer>('GET', `/files/${enc(fileId)}`, { responseType: 'arraybuffer' }),
    uploadFile: (channelId: string, name: string, bytes: Uint8Array, describe = `upload ${name}`) => {
      const form = new FormData();
      form.append('channel_id', channelId);
      form.append('files', new Blob([bytes]), name);
      return request<{ file_infos: FileInfo[] }>('POST', '/files', { body: form, describe });
    },
  };
}

export type MattermostClient = ReturnType<typeof createMattermostClient>;

/** Legacy session login: the token comes back in the `Token` header. */
async function loginRequest(instance: AxiosInstance, baseUrl: string, loginId: string, password: string, deadline: Deadline, timeoutMs: number): Promise<string> {
  const line = 'POST /api/v4/users/login';
  let response: AxiosResponse;
  try {
    response = await instance.request({ method: 'POST', url: '/users/login', data: { login_id: loginId, password }, timeout: Math.min(deadline.remainingMs(), timeoutMs) });
  } catch (error) {
    throw errorFromException(line, error);
  }
  if (response.status >= 400) throw errorFromResponse(line, response);
  const token = response.headers['token'];
  if (typeof token !== 'string' || token === '') throw new MattermostError(line, response.status, undefined, `no Token header in the reply (base URL ${baseUrl})`);
  return token;
}

function retryDelay(error: MattermostError, response: AxiosResponse | undefined, attempt: number, idempotent: boolean, random: () => number): number | undefined {
  if (!error.transient) return undefined;
  // A POST whose answer was lost may have been applied; the next delivery re-reads the channel instead.
  const surelyNotApplied = error.status === 429 || error.status === 502 || error.status === 503 || error.status === 504 || isConnectFailure(error.cause);
  if (!idempotent && !surelyNotApplied) return undefined;
  const retryAfter = Number(response?.headers['retry-after']);
  if (error.status === 429 && Number.isFinite(retryAfter) && retryAfter >= 0) return Math.round(retryAfter * 1000);
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

function isConnectFailure(cause: unknown): boolean {
  const code = (cause as { code?: string } | undefined)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH';
}

function errorFromResponse(line: string, response: AxiosResponse): MattermostError {
  let data: unknown = response.data;
  if (data instanceof ArrayBuffer || Buffer.isBuffer(data)) data = Buffer.from(data as ArrayBuffer).toString('utf8');
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      // The rate limiter answers in plain text.
    }
  }
  const body = typeof data === 'object' && data !== null ? (data as { id?: unknown; message?: unknown }) : undefined;
  const errorId = typeof body?.id === 'string' ? body.id : undefined;
  const detail = typeof body?.message === 'string' ? body.message : typeof data === 'string' ? data.trim().slice(0, 200) : '';
  return new MattermostError(line, response.status, errorId, detail);
}

function errorFromException(line: string, error: unknown): MattermostError {
  const code = (error as { code?: string }).code;
  const reason = code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timed out' : code ? code : (error as Error).message;
  return new MattermostError(line, 0, undefined, reason, { cause: error });
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

/** What a dry run answers for a write, shaped like the real reply where later steps read it. */
function standIn(path: string, body: unknown, n: number): unknown {
  const id = `dry-run-${n}`;
  if (path.endsWith('/members') && typeof body === 'object' && body !== null && 'user_ids' in body) {
    return (body as { user_ids: string[] }).user_ids.map((user_id) => ({ user_id }));
  }
  if (path === '/files') return { file_infos: [{ id }] };
  if (typeof body === 'object' && body !== null && !Array.isArray(body)) return { id, create_at: Date.now(), delete_at: 0, ...body };
  return { id };
}

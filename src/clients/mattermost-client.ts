import type { Transport } from './node-transport';
import type { Channel, ChannelMembership, ServerChannel } from '@mattermost/types/channels';
import type { FileInfo } from '@mattermost/types/files';
import type { Post, PostList } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type { Deadline, Sleep } from '../deadline';
import { ApiError } from '../errors';
import { createHttpCore, pathSegment as enc } from './http';
import { multipartBody } from './node-transport';

export interface MattermostClientOptions {
  readonly baseUrl: string;
  /** `mattermost_api.ca_file`: a private CA to trust besides the system's. */
  readonly caFile?: string;
  readonly token?: string;
  readonly deadline: Deadline;
  readonly requestTimeoutMs?: number;
  readonly transport?: Transport;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  /** When set, writes are not sent: each is reported here and answered with a stand-in. */
  readonly dryRun?: (line: string) => void;
  readonly onRetry?: (message: string) => void;
}

/** A custom slash command as the server stores it; `token` is shown to those who may manage it. */
export interface SlashCommand {
  readonly id: string;
  readonly team_id: string;
  readonly trigger: string;
  readonly url: string;
  readonly method: string;
  readonly token?: string;
  readonly delete_at?: number;
}

export interface NewSlashCommand {
  readonly team_id: string;
  readonly trigger: string;
  readonly method: 'P';
  readonly url: string;
  readonly display_name: string;
  readonly description: string;
  readonly auto_complete: boolean;
  readonly auto_complete_desc: string;
  readonly auto_complete_hint: string;
}

export type NewPost = Pick<Post, 'channel_id' | 'message'> & Partial<Pick<Post, 'props' | 'file_ids' | 'root_id'>>;

/** The Mattermost REST API v4, one verb per call the tool makes. */
export function createMattermostClient(options: MattermostClientOptions) {
  let token = options.token;
  const core = createHttpCore({
    service: 'Mattermost',
    baseUrl: `${options.baseUrl}/api/v4`,
    lineBase: '/api/v4',
    urlKey: 'mattermost_api.url',
    urlExample: 'https://chat.example.com',
    caFile: options.caFile ? { path: options.caFile, key: 'mattermost_api.ca_file' } : undefined,
    authorization: () => (token ? `Bearer ${token}` : undefined),
    deadline: options.deadline,
    requestTimeoutMs: options.requestTimeoutMs ?? 3000,
    errorBody: (data) => {
      const body = data as { id?: unknown; message?: unknown };
      return { errorId: typeof body.id === 'string' ? body.id : undefined, detail: typeof body.message === 'string' ? body.message : undefined };
    },
    transport: options.transport,
    sleep: options.sleep,
    random: options.random,
    dryRun: options.dryRun,
    standIn,
    onRetry: options.onRetry,
  });
  const { request } = core;

  return {
    request,
    setToken: (value: string) => void (token = value),
    close: core.close,

    /** Legacy session login: the token comes back in the `Token` header. */
    login: async (loginId: string, password: string): Promise<string> => {
      const { headers } = await core.requestWithHeaders<UserProfile>('POST', '/users/login', { body: { login_id: loginId, password }, read: true, retry: 'no-retry' });
      const value = headers['token'];
      if (typeof value !== 'string' || value === '') throw new ApiError('Mattermost', 'POST /api/v4/users/login', 200, undefined, `no Token header in the reply (base URL ${options.baseUrl})`);
      return value;
    },
    getMe: () => request<UserProfile>('GET', '/users/me'),
    getTeamByName: (name: string) => request<Team>('GET', `/teams/name/${enc(name)}`),
    getTeamMember: (teamId: string, userId: string) => request<unknown>('GET', `/teams/${enc(teamId)}/members/${enc(userId)}`),
    getMyTeams: () => request<Team[]>('GET', '/users/me/teams'),
    /** Up to 200 users, of a team when given: candidates for "did you mean". */
    listUsers: (teamId?: string) => request<UserProfile[]>('GET', '/users', { query: { ...(teamId ? { in_team: teamId } : {}), per_page: 200 } }),
    getUsersByUsernames: (usernames: readonly string[]) => request<UserProfile[]>('POST', '/users/usernames', { body: usernames, read: true, retry: 'retry' }),
    getUsersByIds: (ids: readonly string[]) => request<UserProfile[]>('POST', '/users/ids', { body: ids, read: true, retry: 'retry' }),
    getUser: (id: string) => request<UserProfile>('GET', `/users/${enc(id)}`),
    getUserByEmail: (email: string) => request<UserProfile>('GET', `/users/email/${enc(email)}`),
    createChannel: (channel: Pick<Channel, 'team_id' | 'name' | 'display_name' | 'type' | 'header' | 'purpose'>) => request<ServerChannel>('POST', '/channels', { body: channel }),
    getChannel: (id: string) => request<ServerChannel>('GET', `/channels/${enc(id)}`),
    getChannelByTeamName: (teamName: string, name: string) => request<ServerChannel>('GET', `/teams/name/${enc(teamName)}/channels/name/${enc(name)}`, { query: { include_deleted: true } }),
    patchChannel: (id: string, patch: Partial<Pick<Channel, 'header' | 'display_name' | 'purpose'>>) => request<ServerChannel>('PUT', `/channels/${enc(id)}/patch`, { body: patch }),
    addChannelMembers: (id: string, userIds: readonly string[]) => request<ChannelMembership[]>('POST', `/channels/${enc(id)}/members`, { body: { user_ids: userIds }, retry: 'retry' }),
    addChannelMember: (id: string, userId: string) => request<ChannelMembership>('POST', `/channels/${enc(id)}/members`, { body: { user_id: userId }, retry: 'retry' }),
    removeChannelMember: (id: string, userId: string) => request<unknown>('DELETE', `/channels/${enc(id)}/members/${enc(userId)}`),
    archiveChannel: (id: string) => request<unknown>('DELETE', `/channels/${enc(id)}`),
    restoreChannel: (id: string) => request<ServerChannel>('POST', `/channels/${enc(id)}/restore`, { retry: 'retry' }),
    createPost: (post: NewPost) => request<Post>('POST', '/posts', { body: post }),
    getPost: (id: string) => request<Post>('GET', `/posts/${enc(id)}`),
    /** Replaces the post's message and props: the whole post is sent, from the tool's own template. */
    updatePost: (post: Pick<Post, 'id' | 'message' | 'props'>) => request<Post>('PUT', `/posts/${enc(post.id)}`, { body: post }),
    /** The trigger id is the credential (no session needed); it lives for seconds, so this goes first. */
    openDialog: (triggerId: string, url: string, dialog: unknown) => request<unknown>('POST', '/actions/dialogs/open', { body: { trigger_id: triggerId, url, dialog }, retry: 'no-retry' }),
    listCommands: (teamId: string) => request<SlashCommand[]>('GET', '/commands', { query: { team_id: teamId, custom_only: true } }),
    createCommand: (command: NewSlashCommand) => request<SlashCommand>('POST', '/commands', { body: command, retry: 'retry-unless-applied' }),
    getPosts: (channelId: string, page: number, perPage: number) => request<PostList>('GET', `/channels/${enc(channelId)}/posts`, { query: { page, per_page: perPage } }),
    getFileInfos: (postId: string) => request<FileInfo[]>('GET', `/posts/${enc(postId)}/files/info`),
    getFile: (fileId: string) => request<ArrayBuffer>('GET', `/files/${enc(fileId)}`, { responseType: 'arraybuffer', maxBytes: MAX_FILE_BYTES }),
    uploadFile: (channelId: string, name: string, bytes: Uint8Array, describe = `upload ${name}`) => {
      const form = multipartBody([
        { name: 'channel_id', value: channelId },
        { name: 'files', filename: name, bytes },
      ]);
      return request<{ file_infos: FileInfo[] }>('POST', '/files', { body: form.body, headers: { 'Content-Type': form.type }, describe });
    },
  };
}

export type MattermostClient = ReturnType<typeof createMattermostClient>;

/** A file of a transcript is fetched up to this size; larger ones are left out of it. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;


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

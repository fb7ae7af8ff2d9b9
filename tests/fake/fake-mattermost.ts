/**
 * A stateful fake Mattermost server on 127.0.0.1 for tests and the demo. Every request is checked against the
 * official OpenAPI spec (spec-validator.ts), and the server's documented rules are enforced; each rule cites
 * its source, ../shared/docs/mattermost-api.md (from the server code at mattermost/mattermost@79756ae1).
 */
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type EphemeralPost, type FakeCommand, type OpenedDialog, addressForbidden, applyUpdate, callIntegration, newTriggerId, readTriggerId, stripIntegrations } from './fake-integrations';
import { SpecValidator } from './spec-validator';

// One parse of the derived schema serves every fake in the process.
let sharedValidator: SpecValidator | undefined;

export interface FakeUser {
  id: string;
  username: string;
  email: string;
  first_name: string;
  last_name: string;
  nickname: string;
  is_bot: boolean;
  roles: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

export interface FakeChannel {
  id: string;
  team_id: string;
  type: 'O' | 'P';
  name: string;
  display_name: string;
  header: string;
  purpose: string;
  creator_id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  last_post_at: number;
  total_msg_count: number;
}

export interface FakePost {
  id: string;
  channel_id: string;
  user_id: string;
  root_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  file_ids: string[];
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
}

export interface FakeFile {
  id: string;
  user_id: string;
  channel_id: string;
  post_id: string;
  name: string;
  extension: string;
  size: number;
  mime_type: string;
  create_at: number;
  bytes: Buffer;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  operationId?: string;
  body: unknown;
  status: number;
  userId?: string;
}

export interface Fault {
  /** Which requests: `METHOD /path` prefix match (e.g. `POST /api/v4/posts`), or '*' for any. */
  match: string;
  /** Match the whole `METHOD /path`, not a prefix. */
  exact?: boolean;
  /** How many matching requests it hits; Infinity for an outage. */
  times: number;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Close the connection without an answer. */
  destroy?: boolean;
  delayMs?: number;
}

export interface WebRequest {
  method: string;
  url: URL;
  body: Buffer;
  headers: IncomingMessage['headers'];
}

export interface WebAnswer {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface FakeTeam {
  id: string;
  name: string;
  display_name: string;
  /** 'O' open, 'I' invite only. */
  type: string;
  allow_open_invite: boolean;
}

export interface FakeOptions {
  /** Servers before 9.11 do not know `user_ids` on add-member. */
  serverVersion?: string;
  /** FileSettings.MaxFileSize, in bytes. */
  maxFileSize?: number;
  /** Delay added to every request, to model a far-away server. */
  latencyMs?: number;
  /** Serve HTTPS with this key and certificate (PEM). */
  tls?: { key: string; cert: string };
  /** ServiceSettings.AllowedUntrustedInternalConnections: without 127.0.0.1 here, buttons pointing at it fail (§1.4). */
  allowedUntrustedInternalConnections?: string;
  /** How long a trigger id may open a dialog: 30 s on new servers, 3 s on old ones (chatops.md §3). */
  triggerLifetimeMs?: number;
  /** PrivacySettings.ShowEmailAddress (default true): when false, others' e-mail addresses are blank. */
  showEmailAddress?: boolean;
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
  ) {
    super(message);
  }
}

const CHANNEL_NAME = /^[a-z0-9]+([a-z\-_0-9]+|(__)?)[a-z0-9]*$/;
const runes = (s: string) => Array.from(s).length;
const newId = () => randomBytes(13).toString('hex').slice(0, 26);

export class FakeMattermost {
  readonly users = new Map<string, FakeUser>();
  readonly passwords = new Map<string, string>();
  readonly tokens = new Map<string, string>();
  readonly teams = new Map<string, FakeTeam>();
  readonly teamMembers = new Set<string>();
  readonly channels = new Map<string, FakeChannel>();
  readonly channelMembers = new Map<string, Set<string>>();
  readonly posts = new Map<string, FakePost>();
  readonly files = new Map<string, FakeFile>();
  /** Users allowed to restore archived channels (manage_team); a plain bot usually is not. */
  readonly canRestore = new Set<string>();
  readonly requests: RecordedRequest[] = [];
  readonly commands = new Map<string, FakeCommand>();
  /** Ephemeral posts, which only their user sees. */
  readonly ephemerals: EphemeralPost[] = [];
  /** Dialogs opened for users, newest last. */
  readonly dialogs: OpenedDialog[] = [];
  /** What integrations answered to clicks, dialogs and commands, newest last. */
  readonly integrationAnswers: { url: string; status: number; contentType: string; text: string }[] = [];
  readonly violations: string[] = [];
  readonly faults: Fault[] = [];
  private server?: Server;
  private clock = Date.now();
  private readonly validator: SpecValidator;
  url = '';

  constructor(readonly options: FakeOptions = {}) {
    this.validator = sharedValidator ??= new SpecValidator();
  }

  // ---- seeding -------------------------------------------------------------------------------------

  addUser(username: string, extra: Partial<FakeUser> & { password?: string } = {}): FakeUser {
    const now = this.now();
    const user: FakeUser = {
      id: newId(),
      username,
      email: `${username}@example.com`,
      first_name: username[0].toUpperCase() + username.slice(1),
      last_name: 'Tester',
      nickname: '',
      is_bot: false,
      roles: 'system_user',
      create_at: now,
      update_at: now,
      delete_at: 0,
      ...extra,
    };
    this.users.set(user.id, user);
    if (extra.password) this.passwords.set(user.id, extra.password);
    return user;
  }

  addToken(userId: string, token = randomBytes(13).toString('hex')): string {
    this.tokens.set(token, userId);
    return token;
  }

  /** A team with its Town Square and Off-Topic, as the server makes them. New teams are invite-only by default. */
  addTeam(name: string, memberIds: string[] = [], fields: Partial<FakeTeam> = {}): FakeTeam {
    const team: FakeTeam = { id: newId(), name, display_name: name, type: 'O', allow_open_invite: false, ...fields };
    this.teams.set(team.id, team);
    for (const id of memberIds) this.teamMembers.add(`${team.id}:${id}`);
    for (const [channelName, display] of [['town-square', 'Town Square'], ['off-topic', 'Off-Topic']]) {
      const channel = this.insertChannel({ team_id: team.id, name: channelName, display_name: display, type: 'O', creator_id: '' });
      for (const id of memberIds) this.channelMembers.get(channel.id)!.add(id);
    }
    return team;
  }

  addTeamMember(teamId: string, userId: string): void {
    this.teamMembers.add(`${teamId}:${userId}`);
    for (const c of this.channels.values()) if (c.team_id === teamId && c.name === 'town-square') this.channelMembers.get(c.id)!.add(userId);
  }

  insertChannel(fields: Partial<FakeChannel> & Pick<FakeChannel, 'team_id' | 'name' | 'display_name' | 'type' | 'creator_id'>): FakeChannel {
    const now = this.now();
    const channel: FakeChannel = { id: newId(), header: '', purpose: '', create_at: now, update_at: now, delete_at: 0, last_post_at: now, total_msg_count: 0, ...fields };
    this.channels.set(channel.id, channel);
    this.channelMembers.set(channel.id, new Set(fields.creator_id ? [fields.creator_id] : []));
    return channel;
  }

  insertPost(fields: Partial<FakePost> & Pick<FakePost, 'channel_id' | 'user_id' | 'message'>): FakePost {
    const now = this.now();
    const post: FakePost = { id: newId(), root_id: '', type: '', props: {}, file_ids: [], create_at: now, update_at: now, edit_at: 0, delete_at: 0, ...fields };
    this.posts.set(post.id, post);
    this.revision++;
    const channel = this.channels.get(post.channel_id);
    if (channel) {
      channel.last_post_at = post.create_at;
      // total_msg_count leaves out join/leave/add/remove posts but counts other system posts (§2).
      if (!/^system_(join|leave|add_to|remove_from)/.test(post.type)) channel.total_msg_count++;
    }
    return post;
  }

  insertFile(fields: Pick<FakeFile, 'user_id' | 'channel_id' | 'name' | 'bytes'> & Partial<FakeFile>): FakeFile {
    const file: FakeFile = { id: newId(), post_id: '', extension: fields.name.split('.').pop() ?? '', size: fields.bytes.length, mime_type: 'application/octet-stream', create_at: this.now(), ...fields };
    this.files.set(file.id, file);
    return file;
  }

  // ---- inspection ----------------------------------------------------------------------------------

  channelByName(name: string): FakeChannel | undefined {
    return [...this.channels.values()].find((c) => c.name === name);
  }

  /** Posts of a channel, oldest first; system posts left out unless asked for. */
  postsIn(channelId: string, withSystem = false): FakePost[] {
    return [...this.posts.values()].filter((p) => p.channel_id === channelId && (withSystem || !p.type.startsWith('system_'))).sort((a, b) => a.create_at - b.create_at);
  }

  memberNames(channelId: string): string[] {
    return [...(this.channelMembers.get(channelId) ?? [])].map((id) => this.users.get(id)?.username ?? id).sort();
  }

  /** Requests that change something. POSTs that only read (lookups, login) are not counted. */
  writes(): RecordedRequest[] {
    const reads = new Set(['GetUsersByUsernames', 'GetUsersByIds', 'Login', 'GetChannelMembersByIds', 'SearchAllChannels', 'SearchChannels']);
    return this.requests.filter((r) => r.method !== 'GET' && !reads.has(r.operationId ?? ''));
  }

  // ---- server --------------------------------------------------------------------------------------

  async start(port = 0): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    this.server = this.options.tls ? createTlsServer(this.options.tls, handler) : createServer(handler);
    this.server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Strictly increasing milliseconds, so post order is stable even within one millisecond. */
  now(): number {
    this.clock = Math.max(this.clock + 1, Date.now());
    return this.clock;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    const record: RecordedRequest = { method, path: url.pathname, query: url.search, body: undefined, status: 0 };

    if (!url.pathname.startsWith('/api/v4/')) return this.serveOther(method, url, raw, req, res);
    this.requests.push(record);
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));

    const fault = this.takeFault(method, url.pathname);
    if (fault) {
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.destroy) {
        record.status = -1;
        req.socket.destroy();
        return;
      }
      if (fault.status) {
        record.status = fault.status;
        res.writeHead(fault.status, { 'Content-Type': fault.body?.startsWith('{') ? 'application/json' : 'text/plain', ...fault.headers });
        res.end(fault.body ?? '');
        return;
      }
    }

    try {
      const match = this.validator.match(method, url.pathname);
      if (!match) throw this.violation(`${method} ${url.pathname} is not an operation of the Mattermost API spec`);
      record.operationId = match.op.operationId;
      const contentType = req.headers['content-type'];
      let body: unknown;
      if (raw.length > 0 && (contentType ?? '').startsWith('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          throw this.violation(`${method} ${url.pathname}: body is not JSON`);
        }
      }
      record.body = body;
      const problems = this.validator.validate(match.op, url.searchParams, contentType, body, raw.length > 0);
      if (problems.length > 0) throw this.violation(problems.join('; '));

      // Opening a dialog needs no session: the signed trigger id is the credential (chatops.md §3).
      const user = match.op.operationId === 'Login' || match.op.operationId === 'OpenInteractiveDialog' ? undefined : this.authenticate(req);
      record.userId = user?.id;
      const result = await this.route(match.op.operationId, match.params, url.searchParams, body, raw, contentType, user, res);
      if (result === undefined) return;
      record.status = result.status;
      if (method !== 'GET' && result.status < 400) this.revision++;
      if (Buffer.isBuffer(result.body)) {
        res.writeHead(result.status, { 'Content-Type': 'application/octet-stream', ...result.headers });
        res.end(result.body);
      } else {
        res.writeHead(result.status, { 'Content-Type': 'application/json', ...result.headers });
        res.end(JSON.stringify(result.body));
      }
    } catch (error) {
      const e = error instanceof HttpError ? error : new HttpError(500, 'fake.internal', String((error as Error)?.stack ?? error));
      record.status = e.status;
      res.writeHead(e.status, { 'Content-Type': 'application/json', 'X-Request-Id': newId() });
      res.end(JSON.stringify({ id: e.id, message: e.message, detailed_error: '', request_id: newId(), status_code: e.status }));
    }
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const index = this.faults.findIndex((f) => f.times > 0 && (f.match === '*' || (f.exact ? `${method} ${path}` === f.match : `${method} ${path}`.startsWith(f.match))));
    if (index < 0) return undefined;
    const fault = this.faults[index];
    fault.times--;
    return fault;
  }

  private violation(message: string): HttpError {
    this.violations.push(message);
    return new HttpError(400, 'fake.spec_violation', message);
  }

  /** Token lookup order and scheme rules from §4: `Bearer`/`Token`, any case, one space. */
  private authenticate(req: IncomingMessage): FakeUser {
    const header = req.headers.authorization ?? '';
    const m = /^(bearer|token) ([^ ]+)$/i.exec(header);
    const userId = m ? this.tokens.get(m[2]) : undefined;
    const user = userId ? this.users.get(userId) : undefined;
    if (!user || user.delete_at > 0) throw new HttpError(401, 'api.context.session_expired.app_error', 'Invalid or expired session, please login again.');
    return user;
  }

  private async serveOther(method: string, url: URL, raw: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = await this.webApp?.({ method, url, body: raw, headers: req.headers });
    if (answer) {
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('not found');
  }

  /** Set by the demo and the page tests: what the fake serves outside /api/v4 (the page a team would see). */
  webApp?: (request: WebRequest) => WebAnswer | undefined | Promise<WebAnswer | undefined>;

  /** Counts every change, so a page can refresh only when something changed. */
  revision = 0;

  // ---- operations ----------------------------------------------------------------------------------

  private team(id: string) {
    const team = this.teams.get(id);
    if (!team) throw new HttpError(404, 'app.team.get.find.app_error', 'Unable to find the existing team.');
    return team;
  }

  private teamByName(name: string) {
    const team = [...this.teams.values()].find((t) => t.name === name);
    if (!team) throw new HttpError(404, 'app.team.get_by_name.missing.app_error', 'Unable to find the existing team.');
    return team;
  }

  isMember(channelId: string, userId: string): boolean {
    return this.channelMembers.get(channelId)?.has(userId) ?? false;
  }

  private channel(id: string, user: FakeUser): FakeChannel {
    const channel = this.channels.get(id);
    // A private channel the user cannot read looks missing (§1: the spec says 403, the server answers 404).
    if (!channel || (channel.type === 'P' && !this.isMember(id, user.id))) throw new HttpError(404, 'app.channel.get.existing.app_error', 'Unable to find the existing channel.');
    return channel;
  }

  private channelNamed(teamId: string, name: string, includeDeleted: boolean, user: FakeUser): FakeChannel {
    const channel = [...this.channels.values()].find((c) => c.team_id === teamId && c.name === name);
    if (!channel || (channel.delete_at > 0 && !includeDeleted) || (channel.type === 'P' && !this.isMember(channel.id, user.id))) {
      throw new HttpError(404, 'app.channel.get_by_name.missing.app_error', 'Channel does not exist.');
    }
    return channel;
  }

  private systemPost(channelId: string, userId: string, type: string, message: string, props: Record<string, unknown> = {}): void {
    this.insertPost({ channel_id: channelId, user_id: userId, message, type, props });
  }

  private validateChannelFields(fields: { name?: string; display_name?: string; header?: string; purpose?: string }, creating: boolean): void {
    const { name, display_name, header, purpose } = fields;
    if (name !== undefined) {
      // Channel names: §2 regex; 64 is only enforced by the database column, which fails with a 500.
      if (!CHANNEL_NAME.test(name)) throw new HttpError(400, 'model.channel.is_valid.1_or_more.app_error', 'Name must be 1 or more lowercase alphanumeric characters.');
      if (name.length > 64) throw new HttpError(500, 'store.sql_channel.save_channel.internal_error', 'We could not save the channel.');
      if (/^[0-9a-f]{40}$/.test(name) || /^[a-z0-9]{26}__[a-z0-9]{26}$/.test(name)) throw new HttpError(400, 'model.channel.is_valid.name.app_error', 'Invalid channel name.');
    }
    if (display_name !== undefined || creating) {
      if (!display_name) throw new HttpError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing display_name in request body.');
      if (runes(display_name) > 64) throw new HttpError(400, 'model.channel.is_valid.display_name.app_error', 'Invalid display name.');
    }
    if (header !== undefined && runes(header) > 1024) throw new HttpError(400, 'model.channel.is_valid.header.app_error', 'Invalid header.');
    if (purpose !== undefined && runes(purpose) > 250) throw new HttpError(400, 'model.channel.is_valid.purpose.app_error', 'Invalid purpose.');
  }

  private versionAtLeast(major: number, minor: number): boolean {
    const [a, b] = (this.options.serverVersion ?? '11.1.0').split('.').map(Number);
    return a > major || (a === major && b >= minor);
  }

  private userOut(u: FakeUser, viewer?: FakeUser) {
    const { is_bot, ...rest } = u;
    // With ShowEmailAddress off, only the user and admins see the address (services/users/utils.go).
    const hidden = this.options.showEmailAddress === false && viewer?.id !== u.id && !viewer?.roles.includes('system_admin');
    return { ...rest, email: hidden ? '' : u.email, is_bot, auth_service: '', locale: 'en' };
  }

  private postList(posts: FakePost[]) {
    const order = posts.map((p) => p.id);
    return { order, posts: Object.fromEntries(posts.map((p) => [p.id, this.postOut(p)])), next_post_id: '', prev_post_id: '', has_next: false };
  }

  private postOut(p: FakePost) {
    const files = p.file_ids.map((id) => this.files.get(id)).filter((f) => f !== undefined).map((f) => this.fileOut(f));
    return { ...p, props: stripIntegrations(p.props), metadata: files.length > 0 ? { files } : {} };
  }

  private fileOut(f: FakeFile) {
    const { bytes: _bytes, ...info } = f;
    return { ...info, update_at: f.create_at, delete_at: 0 };
  }

  private async route(
    operationId: string,
    params: Record<string, string>,
    query: URLSearchParams,
    body: any,
    raw: Buffer,
    contentType: string | undefined,
    user: FakeUser | undefined,
    res: ServerResponse,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> } | undefined> {
    const me = user as FakeUser;
    const ok = (b: unknown, status = 200) => ({ status, body: b });
    switch (operationId) {
      case 'Login': {
        const login = String(body?.login_id ?? '').toLowerCase();
        const found = [...this.users.values()].find((u) => u.username === login || u.email.toLowerCase() === login);
        if (!found || this.passwords.get(found.id) !== body?.password) throw new HttpError(401, 'api.user.login.invalid_credentials_email_username', 'Enter a valid email or username and/or password.');
        const token = this.addToken(found.id);
        return { status: 201, body: this.userOut(found), headers: { Token: token } };
      }
      case 'GetUser': {
        const target = params.user_id === 'me' ? me : this.users.get(params.user_id);
        if (!target) throw new HttpError(404, 'app.user.missing_account.const', 'Unable to find the user.');
        return ok(this.userOut(target, me));
      }
      case 'GetUserByUsername': {
        const target = [...this.users.values()].find((u) => u.username === params.username);
        if (!target) throw new HttpError(404, 'app.user.get_by_username.app_error', 'Unable to find an existing account matching your username for this team.');
        return ok(this.userOut(target));
      }
      case 'GetUserByEmail': {
        const target = [...this.users.values()].find((u) => u.email.toLowerCase() === params.email.toLowerCase());
        if (!target) throw new HttpError(404, 'app.user.missing_account.const', 'Unable to find the user.');
        return ok(this.userOut(target));
      }
      case 'GetUsersByUsernames': {
        // Unknown names are silently left out; an empty list is a 400 (§1).
        if (body.length === 0) throw new HttpError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing usernames in request body.');
        return ok([...this.users.values()].filter((u) => body.includes(u.username)).map((u) => this.userOut(u)));
      }
      case 'GetUsersByIds': {
        if (body.length === 0) throw new HttpError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing user_ids in request body.');
        return ok([...this.users.values()].filter((u) => body.includes(u.id)).map((u) => this.userOut(u)));
      }
      case 'GetTeamByName': {
        const team = this.teamByName(params.name);
        // Anyone may read an open team; others need to be on it (api4/team.go getTeamByName).
        const open = team.allow_open_invite && team.type === 'O';
        if (!open && !this.teamMembers.has(`${team.id}:${me.id}`)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        return ok(team);
      }
      case 'GetTeamMember': {
        const team = this.team(params.team_id);
        if (!this.teamMembers.has(`${team.id}:${params.user_id}`)) throw new HttpError(404, 'app.team.get_member.missing.app_error', 'No team member found for that user ID and team ID.');
        return ok({ team_id: team.id, user_id: params.user_id, roles: 'team_user', delete_at: 0 });
      }
      case 'GetTeamsForUser': {
        const userId = params.user_id === 'me' ? me.id : params.user_id;
        return ok([...this.teams.values()].filter((t) => this.teamMembers.has(`${t.id}:${userId}`)));
      }
      case 'GetUsers': {
        const { page, perPage } = paging(query, 60);
        const inTeam = query.get('in_team');
        const users = [...this.users.values()].filter((u) => u.delete_at === 0 && (!inTeam || this.teamMembers.has(`${inTeam}:${u.id}`)));
        return ok(users.slice(page * perPage, (page + 1) * perPage).map((u) => this.userOut(u)));
      }
      case 'CreateChannel': {
        const team = this.team(body.team_id);
        if (!this.teamMembers.has(`${team.id}:${me.id}`)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        if (body.type !== 'O' && body.type !== 'P') throw new HttpError(400, 'model.channel.is_valid.type.app_error', 'Invalid type.');
        this.validateChannelFields(body, true);
        // A taken name is a 400, archived channels included (§2).
        if ([...this.channels.values()].some((c) => c.team_id === team.id && c.name === body.name)) throw new HttpError(400, 'store.sql_channel.save_channel.exists.app_error', 'A channel with that name already exists on the same team.');
        const channel = this.insertChannel({ team_id: team.id, name: body.name, display_name: body.display_name, type: body.type, header: body.header ?? '', purpose: body.purpose ?? '', creator_id: me.id });
        this.systemPost(channel.id, me.id, 'system_join_channel', `${me.username} joined the channel.`);
        return ok(channel, 201);
      }
      case 'GetChannel':
        return ok(this.channel(params.channel_id, me));
      case 'GetChannelByName':
        this.team(params.team_id);
        return ok(this.channelNamed(params.team_id, params.channel_name, query.get('include_deleted') === 'true', me));
      case 'GetChannelByNameForTeamName': {
        const team = this.teamByName(params.team_name);
        return ok(this.channelNamed(team.id, params.channel_name, query.get('include_deleted') === 'true', me));
      }
      case 'PatchChannel': {
        const channel = this.channel(params.channel_id, me);
        this.validateChannelFields(body, false);
        if (body.name !== undefined && [...this.channels.values()].some((c) => c.id !== channel.id && c.team_id === channel.team_id && c.name === body.name)) {
          throw new HttpError(400, 'store.sql_channel.update_channel.exists.app_error', 'A channel with that name already exists on the same team.');
        }
        const oldHeader = channel.header;
        for (const key of ['name', 'display_name', 'header', 'purpose'] as const) if (body[key] !== undefined) channel[key] = body[key];
        channel.update_at = this.now();
        if (body.header !== undefined && body.header !== oldHeader) this.systemPost(channel.id, me.id, 'system_header_change', `${me.username} updated the channel header`, { old_header: oldHeader, new_header: body.header });
        return ok(channel);
      }
      case 'AddChannelMember': {
        const channel = this.channel(params.channel_id, me);
        let ids: string[];
        if (body.user_ids !== undefined) {
          // `user_ids` arrived in 9.11; older servers look only at `user_id` and refuse the body (§2).
          if (!this.versionAtLeast(9, 11)) throw new HttpError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing user_id in request body.');
          ids = body.user_ids;
        } else if (typeof body.user_id === 'string') ids = [body.user_id];
        else throw new HttpError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing user_id in request body.');
        const added: unknown[] = [];
        let lastError: HttpError | undefined;
        for (const id of ids) {
          const target = this.users.get(id);
          if (!target || !this.teamMembers.has(`${channel.team_id}:${id}`)) {
            lastError = new HttpError(404, 'app.team.get_member.missing.app_error', 'No team member found for that user ID and team ID.');
            continue;
          }
          const members = this.channelMembers.get(channel.id)!;
          // Adding an existing member answers with the membership, no system post (§2).
          if (!members.has(id)) {
            members.add(id);
            this.systemPost(channel.id, me.id, 'system_add_to_channel', `${target.username} added to the channel by ${me.username}.`);
          }
          added.push({ channel_id: channel.id, user_id: id, roles: 'channel_user', msg_count: 0, mention_count: 0 });
        }
        if (added.length === 0 && lastError) throw lastError;
        return ok(body.user_ids !== undefined ? added : added[0], 201);
      }
      case 'RemoveUserFromChannel': {
        const channel = this.channel(params.channel_id, me);
        if (channel.name === 'town-square') throw new HttpError(400, 'api.channel.remove.default.app_error', 'Unable to remove user from the default channel.');
        const members = this.channelMembers.get(channel.id)!;
        // Removing a non-member is a 404 the spec does not list (§2).
        if (!members.has(params.user_id)) throw new HttpError(404, 'app.channel.get_member.missing.app_error', 'No channel member found for that user ID and channel ID.');
        members.delete(params.user_id);
        if (channel.delete_at === 0) this.systemPost(channel.id, me.id, 'system_remove_from_channel', `${this.users.get(params.user_id)?.username} removed from the channel.`);
        return ok({ status: 'OK' });
      }
      case 'GetChannelMembers': {
        const channel = this.channel(params.channel_id, me);
        const { page, perPage } = paging(query, 60);
        return ok([...this.channelMembers.get(channel.id)!].slice(page * perPage, (page + 1) * perPage).map((user_id) => ({ channel_id: channel.id, user_id, roles: 'channel_user' })));
      }
      case 'GetChannelMembersByIds': {
        const channel = this.channel(params.channel_id, me);
        return ok(body.filter((id: string) => this.isMember(channel.id, id)).map((user_id: string) => ({ channel_id: channel.id, user_id, roles: 'channel_user' })));
      }
      case 'CreatePost': {
        const channel = this.channels.get(body.channel_id);
        if (!channel) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        if (!this.isMember(channel.id, me.id)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        if (channel.delete_at > 0) throw new HttpError(400, 'api.post.create_post.can_not_post_to_deleted.error', 'Can not post to deleted channel.');
        // 16383 runes on a default database; the server does not split (§2).
        if (runes(body.message) > 16383) throw new HttpError(400, 'model.post.is_valid.message_length.app_error', 'Message property is longer than the maximum permitted length.');
        const fileIds: string[] = body.file_ids ?? [];
        if (fileIds.length > 5) throw new HttpError(400, 'model.post.is_valid.file_ids.app_error', 'Invalid file ids.');
        const post = this.insertPost({ channel_id: channel.id, user_id: me.id, message: body.message, props: body.props ?? {}, root_id: body.root_id ?? '', file_ids: fileIds });
        for (const id of fileIds) {
          const file = this.files.get(id);
          if (file) file.post_id = post.id;
        }
        return ok(this.postOut(post), 201);
      }
      case 'GetPostsForChannel': {
        const channel = this.channels.get(params.channel_id);
        // Reading a private channel's posts needs membership (§2).
        if (!channel || (channel.type === 'P' && !this.isMember(channel.id, me.id))) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        const { page, perPage } = paging(query, 60);
        const all = [...this.posts.values()].filter((p) => p.channel_id === channel.id && p.delete_at === 0).sort((a, b) => b.create_at - a.create_at);
        return ok(this.postList(all.slice(page * perPage, (page + 1) * perPage)));
      }
      case 'GetPost': {
        const post = this.posts.get(params.post_id);
        if (!post) throw new HttpError(404, 'app.post.get.app_error', 'Unable to get the post.');
        return ok(this.postOut(post));
      }
      case 'GetFileInfosForPost': {
        const post = this.posts.get(params.post_id);
        if (!post) throw new HttpError(404, 'app.post.get.app_error', 'Unable to get the post.');
        return ok(post.file_ids.map((id) => this.files.get(id)).filter((f) => f !== undefined).map((f) => this.fileOut(f)));
      }
      case 'GetFileInfo':
      case 'GetFile': {
        const file = this.files.get(params.file_id);
        if (!file) throw new HttpError(404, 'app.file_info.get.app_error', 'Unable to get the file info.');
        const channel = this.channels.get(file.channel_id);
        if (channel && channel.type === 'P' && !this.isMember(channel.id, me.id)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        return operationId === 'GetFile' ? { status: 200, body: file.bytes } : ok(this.fileOut(file));
      }
      case 'UploadFile':
        return this.upload(raw, contentType ?? '', query, me);
      case 'DeleteChannel': {
        const channel = this.channel(params.channel_id, me);
        if (channel.delete_at > 0) throw new HttpError(400, 'api.channel.delete_channel.deleted.app_error', 'The channel has been archived or deleted.');
        if (channel.name === 'town-square') throw new HttpError(400, 'api.channel.delete_channel.cannot.app_error', 'Unable to delete the default channel.');
        this.systemPost(channel.id, me.id, 'system_channel_deleted', `${me.username} archived the channel`);
        channel.delete_at = this.now();
        return ok({ status: 'OK' });
      }
      case 'RestoreChannel': {
        const channel = this.channel(params.channel_id, me);
        // Restoring needs manage_team; a plain bot usually cannot (§2).
        if (!this.canRestore.has(me.id)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        if (channel.delete_at === 0) throw new HttpError(400, 'api.channel.restore_channel.restored.app_error', 'Unable to unarchive channel. The channel is not archived.');
        channel.delete_at = 0;
        this.systemPost(channel.id, me.id, 'system_channel_restored', `${me.username} unarchived the channel`);
        return ok(channel);
      }
      case 'GetChannelStats': {
        const channel = this.channel(params.channel_id, me);
        const files = [...this.files.values()].filter((f) => f.channel_id === channel.id && f.post_id).length;
        return ok({ channel_id: channel.id, member_count: this.channelMembers.get(channel.id)!.size, guest_count: 0, pinnedpost_count: 0, files_count: files });
      }
      case 'UpdatePost': {
        const post = this.posts.get(params.post_id);
        if (!post || post.delete_at > 0) throw new HttpError(404, 'app.post.get.app_error', 'Unable to get the post.');
        if (body.id !== post.id) throw new HttpError(400, 'api.context.invalid_body_param.app_error', 'Invalid or missing id in request body.');
        // Others' posts need edit_others_posts; the tool only ever edits its own.
        if (post.user_id !== me.id) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        // A full update replaces message and props (MM-old app/post.go UpdatePost; chatops.md §1.6).
        if (typeof body.message === 'string') post.message = body.message;
        post.props = body.props ?? {};
        post.edit_at = post.update_at = this.now();
        return ok(this.postOut(post));
      }
      case 'DoPostAction':
        return ok(await this.doPostAction(params.post_id, params.action_id, body, me));
      case 'OpenInteractiveDialog': {
        const trigger = readTriggerId(String(body.trigger_id));
        if (!trigger) throw new HttpError(400, 'app.interactive_dialog.trigger_id.invalid', 'Invalid trigger ID.');
        if (this.now() - trigger.at > (this.options.triggerLifetimeMs ?? 30_000)) throw new HttpError(400, 'app.interactive_dialog.trigger_id.expired.app_error', 'Trigger ID for interactive dialog is expired.');
        this.dialogs.push({ user_id: trigger.userId, url: body.url, dialog: body.dialog, opened_at: this.now() });
        this.revision++;
        return ok({ status: 'OK' });
      }
      case 'SubmitInteractiveDialog': {
        // The server sets the user from the session and the type, and forwards the rest (§3).
        const { url, ...rest } = body;
        const channel = this.channel(body.channel_id, me);
        const answer = await this.integrationCall(url, JSON.stringify({ ...rest, type: 'dialog_submission', user_id: me.id, team_id: channel.team_id }), { 'Content-Type': 'application/json' });
        let reply: unknown = {};
        try {
          reply = answer.text.trim() ? JSON.parse(answer.text) : {};
        } catch {
          // "An empty response is acceptable"; decode errors are ignored (§3).
        }
        return ok(reply);
      }
      case 'CreateCommand': {
        const team = this.team(body.team_id);
        if (!this.teamMembers.has(`${team.id}:${me.id}`)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
        const trigger = String(body.trigger).toLowerCase();
        if (!/^[^/\s][^\s]{0,127}$/.test(trigger)) throw new HttpError(400, 'model.command.is_valid.trigger.app_error', 'Invalid trigger.');
        if ([...this.commands.values()].some((c) => c.team_id === team.id && c.trigger === trigger && c.delete_at === 0)) throw new HttpError(400, 'api.command.duplicate_trigger.app_error', 'This trigger word is already in use. Please choose another word.');
        const now = this.now();
        const command: FakeCommand = {
          id: newId(),
          token: newId(),
          team_id: team.id,
          creator_id: me.id,
          trigger,
          method: body.method,
          url: body.url,
          display_name: body.display_name ?? '',
          description: body.description ?? '',
          auto_complete: body.auto_complete ?? false,
          auto_complete_desc: body.auto_complete_desc ?? '',
          auto_complete_hint: body.auto_complete_hint ?? '',
          create_at: now,
          update_at: now,
          delete_at: 0,
        };
        this.commands.set(command.id, command);
        return ok(command, 201);
      }
      case 'ListCommands': {
        const teamId = query.get('team_id') ?? '';
        this.team(teamId);
        return ok([...this.commands.values()].filter((c) => c.team_id === teamId && c.delete_at === 0));
      }
      case 'ExecuteCommand':
        return ok(await this.executeCommand(String(body.command), String(body.channel_id), me));
      case 'AddTeamMember': {
        this.team(params.team_id);
        this.addTeamMember(params.team_id, body.user_id);
        return ok({ team_id: params.team_id, user_id: body.user_id, roles: 'team_user' }, 201);
      }
      default:
        res.writeHead(501, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'fake.not_implemented', message: `${operationId} is in the spec but this fake does not implement it`, status_code: 501 }));
        return undefined;
    }
  }

  /** A click as the web app makes it for a signed-in user (the demo page's buttons). */
  clickAs(userId: string, postId: string, actionId: string): Promise<{ status: string; trigger_id: string }> {
    return this.doPostAction(postId, actionId, {}, this.users.get(userId)!);
  }

  /** A dialog submitted by the user it was opened for (the demo page's dialogs). */
  async submitDialogAs(userId: string, dialog: OpenedDialog, channelId: string, submission: Record<string, unknown>): Promise<unknown> {
    const channel = this.channel(channelId, this.users.get(userId)!);
    const answer = await this.integrationCall(dialog.url, JSON.stringify({ type: 'dialog_submission', callback_id: dialog.dialog.callback_id, state: dialog.dialog.state, user_id: userId, channel_id: channel.id, team_id: channel.team_id, submission, cancelled: false }), { 'Content-Type': 'application/json' });
    const index = this.dialogs.indexOf(dialog);
    let reply: { errors?: unknown; error?: unknown } = {};
    try {
      reply = answer.text.trim() ? JSON.parse(answer.text) : {};
    } catch {
      // Ignored, as the server ignores it.
    }
    if (!reply.errors && !reply.error && index >= 0) this.dialogs.splice(index, 1);
    this.revision++;
    return reply;
  }

  /** A click: the server's request to the button's URL, its answer applied (chatops.md §1.2, §1.3). */
  private async doPostAction(postId: string, actionId: string, body: any, me: FakeUser) {
    if (!/^[A-Za-z0-9]+$/.test(actionId)) throw new HttpError(404, 'api.context.404.app_error', 'Sorry, we could not find the page.');
    const post = this.posts.get(postId);
    if (!post || post.delete_at > 0) throw new HttpError(404, 'app.post.get.app_error', 'Unable to get the post.');
    const channel = this.channel(post.channel_id, me);
    const actions = ((post.props.attachments as { actions?: any[] }[] | undefined) ?? []).flatMap((a) => a.actions ?? []);
    const action = actions.find((a) => a.id === actionId);
    if (!action?.integration?.url) throw new HttpError(404, 'app.post_action.get.app_error', 'Unable to find the action.');
    const team = this.teams.get(channel.team_id);
    const triggerId = newTriggerId(me.id, this.now());
    const request = {
      user_id: me.id,
      user_name: me.username,
      channel_id: channel.id,
      channel_name: channel.name,
      team_id: team?.id ?? '',
      team_domain: team?.name ?? '',
      post_id: post.id,
      trigger_id: triggerId,
      type: action.type ?? '',
      data_source: action.data_source ?? '',
      context: { ...(action.integration.context ?? {}), ...(body?.selected_option ? { selected_option: body.selected_option } : {}) },
    };
    const answer = await this.integrationCall(action.integration.url, JSON.stringify(request), { 'Content-Type': 'application/json' });
    // Only 200 counts, and a body must be JSON (§1.3).
    if (answer.status !== 200) throw new HttpError(400, 'api.post.do_action.action_integration.app_error', `Action integration error. status=${answer.status}`);
    let reply: { update?: any; ephemeral_text?: unknown } = {};
    if (answer.text.trim() !== '') {
      try {
        reply = JSON.parse(answer.text);
      } catch {
        throw new HttpError(400, 'api.post.do_action.action_integration.app_error', 'Action integration error. invalid JSON');
      }
    }
    if (reply.update && typeof reply.update === 'object') {
      applyUpdate(post, reply.update);
      post.update_at = this.now();
      this.revision++;
    }
    if (typeof reply.ephemeral_text === 'string' && reply.ephemeral_text !== '') this.ephemerals.push({ user_id: me.id, channel_id: channel.id, root_id: post.root_id || post.id, message: reply.ephemeral_text });
    this.revision++;
    return { status: 'OK', trigger_id: triggerId };
  }

  /** A slash command: a form POSTed with its token; JSON is read only when labelled so (chatops.md §2). */
  private async executeCommand(text: string, channelId: string, me: FakeUser) {
    const channel = this.channel(channelId, me);
    if (!this.isMember(channel.id, me.id)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
    const [word, ...rest] = text.trim().split(/\s+/);
    const trigger = word.replace(/^\//, '').toLowerCase();
    const command = [...this.commands.values()].find((c) => c.team_id === channel.team_id && c.trigger === trigger && c.delete_at === 0);
    if (!command) throw new HttpError(404, 'api.command.execute_command.not_found.app_error', `Command with a trigger of '${trigger}' not found.`);
    const team = this.teams.get(channel.team_id)!;
    const triggerId = newTriggerId(me.id, this.now());
    const form = new URLSearchParams({
      channel_id: channel.id,
      channel_name: channel.name,
      command: `/${trigger}`,
      response_url: `${this.url}/hooks/commands/${newId()}`,
      team_domain: team.name,
      team_id: team.id,
      text: text.trim().slice(word.length).trim(),
      token: command.token,
      trigger_id: triggerId,
      user_id: me.id,
      user_name: me.username,
      root_id: '',
    });
    for (const mention of rest.filter((w) => w.startsWith('@'))) {
      const user = [...this.users.values()].find((u) => u.username === mention.slice(1).toLowerCase() && this.teamMembers.has(`${team.id}:${u.id}`));
      if (user) {
        form.append('user_mentions', user.username);
        form.append('user_mentions_ids', user.id);
      }
    }
    const answer = await this.integrationCall(command.url, form.toString(), { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Token ${command.token}` });
    if (answer.status !== 200) throw new HttpError(500, 'api.command.execute_command.failed_resp.app_error', `Command '${trigger}' returned response ${answer.status}.`);
    let response: { response_type?: string; text?: string; [key: string]: unknown };
    if (answer.contentType.split(';')[0].trim() === 'application/json') {
      try {
        response = JSON.parse(answer.text);
      } catch {
        throw new HttpError(500, 'api.command.execute_command.failed.app_error', `Command with a trigger of '${trigger}' failed.`);
      }
    } else response = { text: answer.text };
    const message = typeof response.text === 'string' ? response.text : '';
    if (response.response_type === 'in_channel') this.insertPost({ channel_id: channel.id, user_id: me.id, message, props: { from_webhook: 'true' } });
    else if (message !== '') this.ephemerals.push({ user_id: me.id, channel_id: channel.id, root_id: '', message });
    return { ...response, trigger_id: triggerId };
  }

  private async integrationCall(url: string, body: string, headers: Record<string, string>) {
    if (addressForbidden(url, this.options.allowedUntrustedInternalConnections ?? '')) {
      throw new HttpError(400, 'api.post.do_action.action_integration.app_error', 'address forbidden, you may need to set AllowedUntrustedInternalConnections to allow an integration access to your local network');
    }
    try {
      const answer = await callIntegration(url, body, headers);
      this.integrationAnswers.push({ url, ...answer });
      return answer;
    } catch (error) {
      throw new HttpError(400, 'api.post.do_action.action_integration.app_error', `Action integration error. ${(error as Error).message}`);
    }
  }

  private async upload(raw: Buffer, contentType: string, query: URLSearchParams, me: FakeUser) {
    if (raw.length > (this.options.maxFileSize ?? 100 * 1024 * 1024)) throw new HttpError(413, 'api.file.upload_file.too_large_detailed.app_error', 'Unable to upload file. File is too large.');
    if (!contentType.startsWith('multipart/form-data')) throw this.violation('POST /api/v4/files needs multipart/form-data');
    const form = await new Response(raw, { headers: { 'Content-Type': contentType } }).formData();
    const channelId = String(form.get('channel_id') ?? query.get('channel_id') ?? '');
    const channel = this.channels.get(channelId);
    if (!channel || !this.isMember(channel.id, me.id)) throw new HttpError(403, 'api.context.permissions.app_error', 'You do not have the appropriate permissions.');
    for (const key of form.keys()) if (!['files', 'channel_id', 'client_ids'].includes(key)) throw this.violation(`POST /api/v4/files: form field "${key}" is not in the spec`);
    const infos = [];
    for (const entry of form.getAll('files')) {
      if (typeof entry === 'string') throw this.violation('POST /api/v4/files: "files" must be a file');
      const bytes = Buffer.from(await entry.arrayBuffer());
      infos.push(this.fileOut(this.insertFile({ user_id: me.id, channel_id: channel.id, name: entry.name, bytes, mime_type: entry.type || 'application/octet-stream' })));
    }
    return { status: 201, body: { file_infos: infos, client_ids: [] } };
  }
}

/** `per_page` defaults as given and is capped at 200 without an error (§1). */
function paging(query: URLSearchParams, defaultPerPage: number): { page: number; perPage: number } {
  const page = Math.max(0, Number(query.get('page') ?? 0) || 0);
  const perPage = Math.min(200, Math.max(1, Number(query.get('per_page') ?? defaultPerPage) || defaultPerPage));
  return { page, perPage };
}

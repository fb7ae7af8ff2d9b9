import type { ServerChannel } from '@mattermost/types/channels';
import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type { Config } from '../config/config';
import { type ChannelState, PROPS_KEY, type TimelineRecord, recordOf, stateFromPosts } from '../decide/channel-state';
import { type Plan, planEvent } from '../decide/plan-event';
import { computeStats } from '../decide/resolution-stats';
import { MattermostError } from '../errors';
import type { Logger } from '../log';
import { type Actor, type IncidentDetails, type IncidentEvent, statusAfter } from '../parse/incident-event';
import type { Clock } from './deadline';
import { inlineText } from './markdown';
import { channelHeader, channelName, displayName, incidentAttachment, isOwnChannel, purpose, resolutionAnnouncement, timelineLine } from './incident-text';
import type { MattermostClient } from './mattermost-client';
import type { PagerDutyClient } from './pagerduty-client';
import { type TeamCache, noTeamCache } from './team-cache';
import { concernedUsers, mapByEmail, mapByUserMap } from './responders';
import { type ChannelHistory, archiveEntries, zipEntries } from './transcript';

export interface Runtime {
  readonly client: MattermostClient;
  /** Present when a PagerDuty API token is configured: maps V2/V3 responders to e-mail addresses. */
  readonly pagerduty?: PagerDutyClient;
  readonly teamCache?: TeamCache;
  readonly config: Config;
  readonly log: Logger;
  readonly now: Clock;
}

const POSTS_PER_PAGE = 200;
const MAX_STATE_PAGES = 25;
const MAX_HISTORY_PAGES = 250;
/** `incident-<id>`, then `-2`, `-3`, … after reopenings the token could not restore. */
const MAX_CHANNELS_PER_INCIDENT = 20;
// Posts for an event are made after it happened; this margin covers clock skew between PagerDuty and Mattermost.
const CLOCK_SKEW_MS = 10 * 60 * 1000;
const CHANNEL_EXISTS = 'store.sql_channel.save_channel.exists.app_error';

type ApplyPlan = Extract<Plan, { kind: 'apply' }>;

/** The incident's channels: the one in use, the earlier ones (archived) and the first free name. */
interface Located {
  readonly current?: ServerChannel;
  readonly previous: readonly ServerChannel[];
  readonly freeSequence: number;
}

/**
 * Applies events to Mattermost. One instance serves one run: the team and user lookups it makes are kept, so
 * nothing is looked up twice.
 */
export class IncidentApplier {
  private team?: Promise<Pick<Team, 'id'>>;
  private teamFromCache = false;
  private readonly users = new Map<string, Promise<UserProfile[]>>();

  constructor(private readonly rt: Runtime) {}

  /** Applies one event and returns the line that says what was done. */
  async apply(event: IncidentEvent): Promise<string> {
    const label = `${event.incident.id} ${event.eventType}`;
    const alertUsers = this.rt.config.alertUsers;
    // Mapping the people PagerDuty pages runs alongside the channel lookups; `user_map` names join the alert users' lookup.
    const { byUsername, rest } = mapByUserMap(concernedUsers(event), this.rt.config.userMap);
    const mappedNames = [...byUsername.keys()];
    const byEmail = rest.length > 0 ? mapByEmail(rest, { client: this.rt.client, pagerduty: this.rt.pagerduty, log: this.rt.log }) : Promise.resolve({ found: [], unmapped: [] });
    byEmail.catch(() => undefined);

    let channel: ServerChannel | undefined;
    let created = false;
    let previous: readonly ServerChannel[] = [];
    // The first free name after the incident's channels, known once they have been walked.
    let freeSequence = 2;
    // Started early so it runs alongside the channel requests; the answer is kept for when it is needed.
    const prefetchUsers = () => void this.lookupUsers([...alertUsers, ...mappedNames]);
    if (event.kind === 'status' && event.action === 'triggered') {
      // A trigger usually finds no channel: create at once.
      prefetchUsers();
      channel = await this.tryCreate(event.incident, event, 1, []);
      created = channel !== undefined;
    }
    if (!channel) {
      const located = await this.locate(event.incident.id);
      previous = located.previous;
      channel = located.current;
      freeSequence = located.freeSequence;
      if (!channel) {
        if (event.kind !== 'status') {
          this.rt.log.warn(`${label}: there is no channel for this incident; nothing to add this to`);
          return `${label}: no incident channel, ignored`;
        }
        if (statusAfter(event) !== 'resolved') prefetchUsers();
        ({ channel, created } = await this.obtain(freeSequence, event.incident, event, previous));
      }
    }

    const state = created ? undefined : await this.readState(channel, event);
    let plan = planEvent(event, state);
    if (plan.kind === 'apply' && channel.delete_at > 0) {
      // An archived channel takes no posts: a newer trigger or acknowledge reopens the incident, anything else
      // is history the archived channel no longer records.
      if (!plan.reopen || event.kind !== 'status') return `${label}: ~${channel.name} is archived; this older event is not recorded`;
      const restored = await this.restore(channel);
      if (restored) channel = restored;
      else {
        previous = [...previous, channel];
        ({ channel, created } = await this.obtain(freeSequence, event.incident, event, previous));
        // A new channel gets the opening post; one a parallel delivery just made already has it.
        if (created) plan = { ...plan, opening: true, header: false, invite: true, responders: true };
      }
    }
    switch (plan.kind) {
      case 'duplicate':
        if (event.kind === 'status' && state?.latest?.event_id === event.eventId && channel.delete_at === 0) {
          const header = channelHeader(event.incident, statusAfter(event), event.occurredAt);
          if (channel.header !== header) {
            await this.rt.client.patchChannel(channel.id, { header });
            return `${label}: already applied to ~${channel.name}, header repaired`;
          }
        }
        return `${label}: already applied to ~${channel.name}, nothing to do`;
      case 'finish-resolve':
        if (event.kind !== 'status') return `${label}: already applied to ~${channel.name}, nothing to do`;
        return `${label}: ${['finished closing', ...(await this.closeAfterResolve(event, event.incident, channel, previous, { release: true, maybeAnnounced: true }))].join(', ')}`;
      case 'apply': {
        const names = [...(plan.invite ? alertUsers : []), ...(plan.responders ? mappedNames : [])];
        const found = names.length > 0 ? await this.lookupUsers(names) : [];
        const email = plan.responders ? await byEmail : { found: [], unmapped: [] };
        const users = uniqueUsers([...found, ...email.found]);
        const known = new Set(found.map((u) => u.username.toLowerCase()));
        const unmapped = plan.responders ? [...[...byUsername].filter(([name]) => !known.has(name)).map(([, actor]) => actor), ...email.unmapped] : [];
        const invitedBefore = new Set((state?.records ?? []).flatMap((r) => r.invited ?? []).map((u) => u.toLowerCase()));
        return `${label}: ${(await this.execute(event, channel, plan, previous, created, users, unmapped, invitedBefore)).join(', ')}`;
      }
    }
  }

  private async execute(
    event: IncidentEvent,
    channel: ServerChannel,
    plan: ApplyPlan,
    previous: readonly ServerChannel[],
    created: boolean,
    users: UserProfile[],
    unmapped: readonly Actor[],
    invitedBefore: ReadonlySet<string>,
  ): Promise<string[]> {
    const { client } = this.rt;
    const done: string[] = [created ? `created ~${channel.name}` : `updated ~${channel.name}`];
    const status = statusAfter(event);
    const header = plan.header && event.kind === 'status' ? channelHeader(event.incident, status, event.occurredAt) : undefined;
    const record: TimelineRecord = {
      v: 1,
      incident_id: event.incident.id,
      event_id: event.eventId,
      action: event.action,
      status,
      occurred_at: event.occurredAt,
      actor: event.agent?.name,
      invited: users.length > 0 ? users.map((u) => u.username) : undefined,
    };
    const notes: string[] = [];
    if (plan.reopen) notes.push('The incident was reopened; its people are back in the channel.');
    const added = users.filter((u) => !invitedBefore.has(u.username.toLowerCase()));
    if (added.length > 0) notes.push(`Added to the channel: ${added.map((u) => u.username).join(', ')}.`);
    if (unmapped.length > 0) notes.push(`Not found in Mattermost, please invite by hand: ${unmapped.map((a) => inlineText(a.name, 80)).join(', ')}.`);
    if (plan.opening && previous.length > 0) notes.push(`Earlier discussion: ${previous.map((c) => `~${c.name}`).join(', ')}`);
    const post = {
      channel_id: channel.id,
      message: timelineLine(event, notes),
      props: {
        [PROPS_KEY]: record,
        ...(plan.opening && event.kind === 'status' ? { attachments: [incidentAttachment(event.incident, status)] } : {}),
      },
    };
    // The post records the event as applied, so the invitations come before it: a run that stops before the
    // post is redone in full by the next delivery. The header goes alongside the post; a header write that
    // failed is repaired by the retry of the same event (see `apply`).
    if (users.length > 0) await this.addMembers(channel.id, users);
    await Promise.all([header !== undefined ? client.patchChannel(channel.id, { header }) : undefined, client.createPost(post)]);
    if (header !== undefined) done.push('header updated');
    if (users.length > 0) done.push(`${users.length} invited`);
    if (plan.resolve && event.kind === 'status') done.push(...(await this.closeAfterResolve(event, event.incident, channel, previous, { release: !plan.opening, maybeAnnounced: false })));
    return done;
  }

  private getTeam(): Promise<Pick<Team, 'id'>> {
    const cache = this.rt.teamCache ?? noTeamCache;
    const cached = this.team ? undefined : cache.get();
    if (cached) {
      this.teamFromCache = true;
      this.team = Promise.resolve({ id: cached });
    }
    this.team ??= this.rt.client.getTeamByName(this.rt.config.teamName).then((team) => {
      cache.set(team.id);
      return team;
    });
    return this.team;
  }

  /** Looks up usernames in one batched request; unknown names are warned about and left out. */
  private lookupUsers(usernames: readonly string[]): Promise<UserProfile[]> {
    const unique = [...new Set(usernames.map((u) => u.toLowerCase()))].sort();
    if (unique.length === 0) return Promise.resolve([]);
    const key = unique.join(',');
    let lookup = this.users.get(key);
    if (!lookup) {
      lookup = this.rt.client.getUsersByUsernames(unique).then((found) => {
        const known = new Set(found.map((u) => u.username.toLowerCase()));
        for (const name of unique) if (!known.has(name)) this.rt.log.warn(`Mattermost user "${name}" does not exist; the others are still invited`);
        return found;
      });
      // A failed lookup must not be remembered as an answer.
      lookup.catch(() => this.users.delete(key));
      this.users.set(key, lookup);
    }
    return lookup;
  }

  private async findChannel(name: string): Promise<ServerChannel | undefined> {
    try {
      return await this.rt.client.getChannelByTeamName(this.rt.config.teamName, name);
    } catch (error) {
      // 404 is also the answer for a private channel the token cannot see; a missing team is a setup error.
      if (error instanceof MattermostError && error.status === 404 && !error.errorId?.startsWith('app.team.')) return undefined;
      throw error;
    }
  }

  /**
   * Walks `incident-<id>`, `-2`, … Channels the tool did not make are left alone and stepped over; an archived
   * one of its own may have a successor. The first live channel of its own is the one in use.
   */
  private async locate(incidentId: string): Promise<Located> {
    const previous: ServerChannel[] = [];
    let current: ServerChannel | undefined;
    for (let sequence = 1; sequence <= MAX_CHANNELS_PER_INCIDENT; sequence++) {
      const found = await this.findChannel(channelName(incidentId, sequence));
      if (!found) return { current, previous, freeSequence: sequence };
      if (!isOwnChannel(found, incidentId)) {
        this.rt.log.warn(`~${found.name} was not made by mattermost-incident; leaving it alone`);
        continue;
      }
      if (current) previous.push(current);
      current = found;
      if (found.delete_at === 0) return { current, previous, freeSequence: sequence + 1 };
    }
    return { current, previous, freeSequence: MAX_CHANNELS_PER_INCIDENT + 1 };
  }

  /**
   * Creates the channel at `sequence`. A name taken meanwhile by a live channel of the tool's own (a parallel
   * delivery, here or on another host) is used; one taken by anything else is stepped over.
   */
  private async obtain(sequence: number, incident: IncidentDetails, event: IncidentEvent, previous: readonly ServerChannel[]): Promise<{ channel: ServerChannel; created: boolean }> {
    for (let s = sequence; s <= MAX_CHANNELS_PER_INCIDENT; s++) {
      const made = await this.tryCreate(incident, event, s, previous);
      if (made) return { channel: made, created: true };
      const existing = await this.findChannel(channelName(incident.id, s));
      if (existing && existing.delete_at === 0 && isOwnChannel(existing, incident.id)) return { channel: existing, created: false };
    }
    throw new MattermostError('POST /api/v4/channels', 400, CHANNEL_EXISTS, `every channel name for incident ${incident.id} up to -${MAX_CHANNELS_PER_INCIDENT} is taken`);
  }

  /** Creates the channel with its header set; undefined when the name is taken (by another run, host or person). */
  private async tryCreate(incident: IncidentDetails, event: IncidentEvent, sequence: number, previous: readonly ServerChannel[]): Promise<ServerChannel | undefined> {
    const team = await this.getTeam();
    try {
      return await this.rt.client.createChannel({
        team_id: team.id,
        name: channelName(incident.id, sequence),
        display_name: displayName(incident),
        type: 'P',
        purpose: purpose(incident.id, previous.at(-1)?.name),
        header: channelHeader(incident, statusAfter(event), event.occurredAt),
      });
    } catch (error) {
      if (error instanceof MattermostError && error.status === 400 && error.errorId === CHANNEL_EXISTS) return undefined;
      if (this.teamFromCache && error instanceof MattermostError && (error.status === 403 || error.status === 404)) {
        // The remembered team id is stale: forget it, look the team up, and try once more.
        (this.rt.teamCache ?? noTeamCache).clear();
        this.team = undefined;
        this.teamFromCache = false;
        return this.tryCreate(incident, event, sequence, previous);
      }
      throw error;
    }
  }

  /** Unarchives, where the token may (it needs manage_team, which bots rarely have). */
  private async restore(channel: ServerChannel): Promise<ServerChannel | undefined> {
    try {
      return await this.rt.client.restoreChannel(channel.id);
    } catch (error) {
      if (error instanceof MattermostError && (error.status === 403 || error.status === 401)) {
        this.rt.log.info(`~${channel.name} is archived and this token may not restore it; the reopened incident gets a new channel`);
        return undefined;
      }
      throw error;
    }
  }

  /** Reads the channel's newest posts back to the event's time: enough to spot a duplicate and the latest status. */
  private async readState(channel: ServerChannel, event: IncidentEvent): Promise<ChannelState> {
    const since = Date.parse(event.occurredAt) - CLOCK_SKEW_MS;
    const posts: Post[] = [];
    for (let page = 0; page < MAX_STATE_PAGES; page++) {
      const pagePosts = postsOf(await this.rt.client.getPosts(channel.id, page, POSTS_PER_PAGE));
      posts.push(...pagePosts);
      const oldest = pagePosts.at(-1);
      if (pagePosts.length < POSTS_PER_PAGE || !oldest || oldest.create_at < since) break;
    }
    return stateFromPosts(posts);
  }

  /** Every post of a channel, oldest first. */
  private async history(channel: ServerChannel): Promise<Post[]> {
    const posts: Post[] = [];
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const pagePosts = postsOf(await this.rt.client.getPosts(channel.id, page, POSTS_PER_PAGE));
      posts.push(...pagePosts);
      if (pagePosts.length < POSTS_PER_PAGE) break;
    }
    return posts.reverse();
  }

  /** Adds members in one request; servers before 9.11 answer 400 to `user_ids`, so fall back to one by one. */
  private async addMembers(channelId: string, users: readonly UserProfile[]): Promise<void> {
    try {
      await this.rt.client.addChannelMembers(channelId, users.map((u) => u.id));
    } catch (error) {
      if (!(error instanceof MattermostError) || error.status !== 400) throw error;
      this.rt.log.info('this Mattermost server does not add several members at once (before 9.11); adding them one by one');
      await Promise.all(users.map((u) => this.rt.client.addChannelMember(channelId, u.id)));
    }
  }

  /**
   * After the resolve is recorded: transcript, announcement, release, closing record, archive. Each step can be
   * repeated, so a run that stopped half-way is finished by the next delivery of the same resolve.
   */
  private async closeAfterResolve(
    event: IncidentEvent,
    incident: IncidentDetails,
    channel: ServerChannel,
    previous: readonly ServerChannel[],
    // A channel this very resolve created had nobody invited; only a resumed run can find its announcement made.
    options: { release: boolean; maybeAnnounced: boolean },
  ): Promise<string[]> {
    const { client, config } = this.rt;
    const done: string[] = [];
    const [announcementChannel, histories] = await Promise.all([
      client.getChannelByTeamName(config.teamName, config.announcementChannel),
      Promise.all([...previous, channel].map(async (c) => ({ channel: c, posts: await this.history(c) }))),
    ]);
    const records = histories.flatMap((h) => h.posts.map((p) => recordOf(p)).filter((r) => r !== undefined));
    if (!(options.maybeAnnounced && (await this.alreadyAnnounced(announcementChannel.id, event.eventId)))) {
      await this.announce(event, incident, channel, histories, records, announcementChannel);
      done.push(`announced in ~${config.announcementChannel}`);
    }
    const released = options.release ? await this.release(channel, records) : [];
    if (released.length > 0) done.push(`${released.length} released`);
    const closing: TimelineRecord = { v: 1, incident_id: incident.id, event_id: event.eventId, action: 'closed', occurred_at: event.occurredAt };
    const who = released.length > 0 ? ` ${released.join(', ')} ${released.length === 1 ? 'was' : 'were'} released from this channel.` : '';
    await client.createPost({ channel_id: channel.id, message: `Resolution announced in ~${config.announcementChannel}, with the transcript.${who}`, props: { [PROPS_KEY]: closing } });
    if (config.archiveOnResolve && channel.delete_at === 0) {
      await client.archiveChannel(channel.id).catch((error: unknown) => {
        if (!(error instanceof MattermostError && error.status === 400 && error.errorId === 'api.channel.delete_channel.deleted.app_error')) throw error;
      });
      done.push(`~${channel.name} archived`);
    }
    return done;
  }

  private async announce(
    event: IncidentEvent,
    incident: IncidentDetails,
    channel: ServerChannel,
    histories: { channel: ServerChannel; posts: Post[] }[],
    records: TimelineRecord[],
    announcementChannel: ServerChannel,
  ): Promise<void> {
    const { client } = this.rt;
    const posts = histories.flatMap((h) => h.posts);
    const userIds = [...new Set(posts.map((p) => p.user_id))];
    const users = new Map((userIds.length > 0 ? await client.getUsersByIds(userIds) : []).map((u) => [u.id, u]));
    const stats = computeStats({ incident, records, posts, users, resolvedAt: event.occurredAt, resolvedBy: event.agent?.name });

    const fileInfos = await this.fileInfos(posts);
    const files = new Map<string, { info: FileInfo; bytes: Uint8Array }>();
    await Promise.all([...fileInfos.values()].map(async (info) => files.set(info.id, { info, bytes: new Uint8Array(await client.getFile(info.id)) })));
    const exportedAt = new Date(this.rt.now()).toISOString();
    const history: ChannelHistory[] = histories.map((h) => ({ name: h.channel.name, displayName: h.channel.display_name, posts: h.posts }));
    const fileName = `${channel.name}-transcript.zip`;
    const upload = async (withFiles: boolean) => {
      const entries = archiveEntries({ incident, channels: history, users, files: withFiles ? files : new Map(), exportedAt }, fileInfos);
      const zip = zipEntries(entries, new Date(exportedAt));
      const uploaded = await client.uploadFile(announcementChannel.id, fileName, zip, `upload ${fileName} (${zip.length} bytes): ${Object.keys(entries).join(', ')}`);
      return uploaded.file_infos[0]?.id;
    };
    let fileId: string | undefined;
    let note = `The transcript (${plural(posts.length, 'post')}, ${plural(files.size, 'file')}) is attached.`;
    try {
      fileId = await upload(true);
    } catch (error) {
      // Past the server's file-size limit (or a proxy's): the transcript alone still fits.
      if (!(error instanceof MattermostError && error.status === 413) || files.size === 0) throw error;
      this.rt.log.warn(`the transcript with its ${files.size} files is over the server's file-size limit; attaching it without them`);
      fileId = await upload(false);
      note = `The transcript (${plural(posts.length, 'post')}) is attached without its ${plural(files.size, 'file')}: with them it would pass the server's file-size limit.`;
    }
    const { message, attachment } = resolutionAnnouncement({ incident, channelName: channel.name, stats, transcriptNote: note });
    const record: TimelineRecord = { v: 1, incident_id: incident.id, event_id: event.eventId, action: 'resolved', status: 'resolved', occurred_at: event.occurredAt };
    await client.createPost({ channel_id: announcementChannel.id, message, file_ids: fileId ? [fileId] : [], props: { [PROPS_KEY]: record, attachments: [attachment] } });
  }

  /** File infos of the people's posts (the post list carries them; older servers need asking). */
  private async fileInfos(posts: readonly Post[]): Promise<Map<string, FileInfo>> {
    const infos = new Map<string, FileInfo>();
    await Promise.all(
      posts
        .filter((p) => (p.file_ids?.length ?? 0) > 0 && !recordOf(p))
        .map(async (post) => {
          const known = post.metadata?.files ?? (await this.rt.client.getFileInfos(post.id));
          for (const info of known) infos.set(info.id, info);
        }),
    );
    return infos;
  }

  /** Whether the announcement channel's newest posts already hold this resolution (from a run that stopped). */
  private async alreadyAnnounced(channelId: string, eventId: string): Promise<boolean> {
    const posts = postsOf(await this.rt.client.getPosts(channelId, 0, POSTS_PER_PAGE));
    return posts.some((p) => recordOf(p)?.event_id === eventId);
  }

  /** Removes the alert users, and everyone the tool invited, from the channel; one who already left is fine. */
  private async release(channel: ServerChannel, records: readonly TimelineRecord[]): Promise<string[]> {
    const invited = records.flatMap((r) => r.invited ?? []);
    const users = await this.lookupUsers([...this.rt.config.alertUsers, ...invited]);
    await Promise.all(
      users.map((u) =>
        this.rt.client.removeChannelMember(channel.id, u.id).catch((error: unknown) => {
          if (!(error instanceof MattermostError && error.status === 404)) throw error;
        }),
      ),
    );
    return users.map((u) => u.username);
  }
}

function postsOf(list: { order: string[]; posts: Record<string, Post> }): Post[] {
  return list.order.map((id) => list.posts[id]).filter((p) => p !== undefined);
}

function uniqueUsers(users: readonly UserProfile[]): UserProfile[] {
  return [...new Map(users.map((u) => [u.id, u])).values()];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

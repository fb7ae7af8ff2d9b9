import type { ServerChannel } from '@mattermost/types/channels';
import type { Post } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type { Config } from '../config/config';
import { type ChannelState, PROPS_KEY, type TimelineRecord, recordOf, stateFromPosts } from '../decide/channel-state';
import { type Plan, planEvent } from '../decide/plan-event';
import { MattermostError } from '../errors';
import type { Logger } from '../log';
import { type IncidentDetails, type IncidentEvent, statusAfter } from '../parse/incident-event';
import type { Clock } from './deadline';
import { channelHeader, channelName, displayName, incidentAttachment, purpose, resolutionMessage, timelineLine } from './incident-text';
import type { MattermostClient } from './mattermost-client';

export interface Runtime {
  readonly client: MattermostClient;
  readonly config: Config;
  readonly log: Logger;
  readonly now: Clock;
}

const POSTS_PER_PAGE = 200;
const MAX_STATE_PAGES = 25;
// Posts for an event are made after it happened; this margin covers clock skew between PagerDuty and Mattermost.
const CLOCK_SKEW_MS = 10 * 60 * 1000;
const CHANNEL_EXISTS = 'store.sql_channel.save_channel.exists.app_error';

type ApplyPlan = Extract<Plan, { kind: 'apply' }>;

/**
 * Applies events to Mattermost. One instance serves one run: the team and user lookups it makes are kept, so
 * nothing is looked up twice.
 */
export class IncidentApplier {
  private team?: Promise<Team>;
  private readonly users = new Map<string, Promise<UserProfile[]>>();

  constructor(private readonly rt: Runtime) {}

  /** Applies one event and returns the line that says what was done. */
  async apply(event: IncidentEvent): Promise<string> {
    const name = channelName(event.incident.id);
    const label = `${event.incident.id} ${event.eventType}`;
    const alertUsers = this.rt.config.alertUsers;

    let channel: ServerChannel | undefined;
    let created = false;
    let invitees: Promise<UserProfile[]> | undefined;
    if (event.kind === 'status' && event.action === 'triggered') {
      // A trigger usually finds no channel: create at once (the user lookup runs alongside), fall back to the existing one.
      invitees = this.lookupUsers(alertUsers);
      ({ channel, created } = await this.createChannel(event.incident, event, name));
    } else {
      channel = await this.findChannel(name);
      if (!channel) {
        if (event.kind !== 'status') {
          this.rt.log.warn(`${label}: there is no channel ${name} for this incident; nothing to add this to`);
          return `${label}: no incident channel, ignored`;
        }
        if (statusAfter(event) !== 'resolved') invitees = this.lookupUsers(alertUsers);
        ({ channel, created } = await this.createChannel(event.incident, event, name));
      }
    }

    const state = created ? undefined : await this.readState(channel, event);
    const plan = planEvent(event, state);
    switch (plan.kind) {
      case 'duplicate':
        return `${label}: already applied to ~${channel.name}, nothing to do`;
      case 'finish-resolve':
        if (event.kind !== 'status') return `${label}: already applied to ~${channel.name}, nothing to do`;
        return `${label}: ${['finished closing', ...(await this.closeAfterResolve(event, event.incident, channel, state, { release: true, maybeAnnounced: true }))].join(', ')}`;
      case 'apply': {
        const users = plan.invite ? await (invitees ?? this.lookupUsers(alertUsers)) : [];
        return `${label}: ${(await this.execute(event, channel, plan, state, created, users)).join(', ')}`;
      }
    }
  }

  private async execute(event: IncidentEvent, channel: ServerChannel, plan: ApplyPlan, state: ChannelState | undefined, created: boolean, users: UserProfile[]): Promise<string[]> {
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
    const post = {
      channel_id: channel.id,
      message: timelineLine(event, plan.reopen ? ['The incident was reopened; its people are back in the channel.'] : []),
      props: {
        [PROPS_KEY]: record,
        ...(plan.opening && event.kind === 'status' ? { attachments: [incidentAttachment(event.incident, status)] } : {}),
      },
    };
    // The post records the event as applied, so it goes last: a run that stops before it is redone in full
    // by the next delivery (invites included), and one that stops after it is never redone.
    await Promise.all([header !== undefined ? client.patchChannel(channel.id, { header }) : undefined, users.length > 0 ? this.addMembers(channel.id, users) : undefined]);
    await client.createPost(post);
    if (header !== undefined) done.push('header updated');
    if (users.length > 0) done.push(`${users.length} invited`);
    if (plan.resolve && event.kind === 'status') done.push(...(await this.closeAfterResolve(event, event.incident, channel, state, { release: !plan.opening, maybeAnnounced: false })));
    return done;
  }

  private getTeam(): Promise<Team> {
    this.team ??= this.rt.client.getTeamByName(this.rt.config.teamName);
    return this.team;
  }

  /** Looks up usernames in one batched request; unknown names are warned about and left out. */
  private lookupUsers(usernames: readonly string[]): Promise<UserProfile[]> {
    const unique = [...new Set(usernames.map((u) => u.toLowerCase()))];
    if (unique.length === 0) return Promise.resolve([]);
    const key = unique.join(',');
    let lookup = this.users.get(key);
    if (!lookup) {
      lookup = this.rt.client.getUsersByUsernames(unique).then((found) => {
        const known = new Set(found.map((u) => u.username.toLowerCase()));
        for (const name of unique) if (!known.has(name)) this.rt.log.warn(`alert user "${name}" does not exist in Mattermost; the others are still invited`);
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

  private async createChannel(incident: IncidentDetails, event: IncidentEvent, name: string): Promise<{ channel: ServerChannel; created: boolean }> {
    const team = await this.getTeam();
    try {
      const channel = await this.rt.client.createChannel({
        team_id: team.id,
        name,
        display_name: displayName(incident),
        type: 'P',
        purpose: purpose(incident.id),
        header: channelHeader(incident, statusAfter(event), event.occurredAt),
      });
      return { channel, created: true };
    } catch (error) {
      // Another delivery, here or on another host, made it first.
      if (error instanceof MattermostError && error.status === 400 && error.errorId === CHANNEL_EXISTS) {
        return { channel: await this.rt.client.getChannelByName(team.id, name), created: false };
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
   * After the resolve is recorded: announce, release the people, then post the closing record. Each step can
   * be repeated, so a run that stopped half-way is finished by the next delivery of the same resolve.
   */
  private async closeAfterResolve(
    event: IncidentEvent,
    incident: IncidentDetails,
    channel: ServerChannel,
    state: ChannelState | undefined,
    // A channel this very resolve created had nobody invited; only a resumed run can find its announcement made.
    options: { release: boolean; maybeAnnounced: boolean },
  ): Promise<string[]> {
    const { client, config } = this.rt;
    const done: string[] = [];
    const announcement = await client.getChannelByTeamName(config.teamName, config.announcementChannel);
    if (!(options.maybeAnnounced && (await this.alreadyAnnounced(announcement.id, event.eventId)))) {
      const triggered = state?.records.find((r) => r.action === 'triggered' || r.action === 'reopened');
      const message = resolutionMessage({
        incident,
        channelName: channel.name,
        resolvedAt: incident.lastStatusChangeAt ?? event.occurredAt,
        triggeredAt: incident.createdAt ?? triggered?.occurred_at ?? state?.records[0]?.occurred_at,
        resolvedBy: event.agent?.name,
      });
      const record: TimelineRecord = { v: 1, incident_id: incident.id, event_id: event.eventId, action: 'resolved', status: 'resolved', occurred_at: event.occurredAt };
      await client.createPost({ channel_id: announcement.id, message, props: { [PROPS_KEY]: record } });
      done.push(`announced in ~${config.announcementChannel}`);
    }
    const released = options.release ? await this.release(channel) : [];
    if (released.length > 0) done.push(`${released.length} released`);
    const closing: TimelineRecord = { v: 1, incident_id: incident.id, event_id: event.eventId, action: 'closed', occurred_at: event.occurredAt };
    const who = released.length > 0 ? ` ${released.join(', ')} ${released.length === 1 ? 'was' : 'were'} released from this channel.` : '';
    await client.createPost({ channel_id: channel.id, message: `Resolution announced in ~${config.announcementChannel}.${who}`, props: { [PROPS_KEY]: closing } });
    return done;
  }

  /** Whether the announcement channel's newest posts already hold this resolution (from a run that stopped). */
  private async alreadyAnnounced(channelId: string, eventId: string): Promise<boolean> {
    const posts = postsOf(await this.rt.client.getPosts(channelId, 0, POSTS_PER_PAGE));
    return posts.some((p) => recordOf(p)?.event_id === eventId);
  }

  /** Removes the alert users from the incident channel; one who already left is not an error. */
  private async release(channel: ServerChannel): Promise<string[]> {
    const users = await this.lookupUsers(this.rt.config.alertUsers);
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

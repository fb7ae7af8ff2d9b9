import type { ServerChannel } from '@mattermost/types/channels';
import type { MattermostClient } from '../clients/mattermost-client';
import { ApiError } from '../errors';
import { MAX_CHANNELS_PER_INCIDENT, channelBaseOf, channelName, isOwnChannel } from '../incident/channel-name';
import { type IncidentDetails, type IncidentEvent, statusAfter } from '../incident/incident-event';
import { channelHeader, displayName, purpose } from '../render/incident-text';
import type { Directory } from './directory';
import type { Runtime } from './runtime';

const CHANNEL_EXISTS = 'store.sql_channel.save_channel.exists.app_error';

/** The incident's channels: the one in use, the earlier ones (archived) and the first free name. */
export interface Located {
  readonly current?: ServerChannel;
  readonly previous: readonly ServerChannel[];
  readonly freeSequence: number;
}

/** Finding, creating and restoring an incident's channels; only the tool's own are ever used. */
export class IncidentChannels {
  constructor(
    private readonly rt: Runtime,
    private readonly directory: Directory,
  ) {}

  async find(name: string): Promise<ServerChannel | undefined> {
    try {
      return await this.rt.client.getChannelByTeamName(this.rt.config.teamName, name);
    } catch (error) {
      // 404 is also the answer for a private channel the token cannot see; a missing team is a setup error.
      if (error instanceof ApiError && error.status === 404 && !error.errorId?.startsWith('app.team.')) return undefined;
      throw error;
    }
  }

  /**
   * Walks `<base>`, `<base>-2`, … Channels the tool did not make are left alone and stepped over; an archived one
   * of its own may have a successor. The first live channel of its own is the one in use; for an alert group,
   * whose channels are its episodes, the last one is (the walk starts at the last one remembered).
   */
  async locate(incident: { id: string; channelBase?: string }, options: { last?: boolean } = {}): Promise<Located> {
    const base = channelBaseOf(incident);
    const previous: ServerChannel[] = [];
    let current: ServerChannel | undefined;
    const start = options.last ? Math.max(1, Number(await this.rt.cache.get(sequenceKey(this.rt, base))) || 1) : 1;
    for (let sequence = start; sequence < start + MAX_CHANNELS_PER_INCIDENT; sequence++) {
      const found = await this.find(channelName(base, sequence));
      if (!found) {
        if (options.last && current) void this.rt.cache.set(sequenceKey(this.rt, base), String(sequence - 1));
        return { current, previous, freeSequence: sequence };
      }
      if (!isOwnChannel(found, incident.id, await this.selfId())) {
        this.rt.log.warn(`~${found.name} was not made by mattermost-incident; leaving it alone`);
        continue;
      }
      if (current) previous.push(current);
      current = found;
      if (found.delete_at === 0 && !options.last) return { current, previous, freeSequence: sequence + 1 };
    }
    return { current, previous, freeSequence: start + MAX_CHANNELS_PER_INCIDENT };
  }

  /**
   * Creates the channel at `sequence`. A name taken meanwhile by a live channel of the tool's own (a parallel
   * delivery, here or on another host) is used; one taken by anything else is stepped over.
   */
  async obtain(sequence: number, incident: IncidentDetails, event: IncidentEvent, previous: readonly ServerChannel[]): Promise<{ channel: ServerChannel; created: boolean }> {
    for (let s = sequence; s < sequence + MAX_CHANNELS_PER_INCIDENT; s++) {
      const made = await this.tryCreate(incident, event, s, previous);
      if (made) return { channel: made, created: true };
      const existing = await this.find(channelName(channelBaseOf(incident), s));
      if (existing && existing.delete_at === 0 && isOwnChannel(existing, incident.id, await this.selfId())) return { channel: existing, created: false };
    }
    throw new ApiError('Mattermost', 'POST /api/v4/channels', 400, CHANNEL_EXISTS, `every channel name for incident ${incident.id} up to -${MAX_CHANNELS_PER_INCIDENT} is taken`);
  }

  /** Creates the channel with its header set; undefined when the name is taken (by another run, host or person). */
  async tryCreate(incident: IncidentDetails, event: IncidentEvent, sequence: number, previous: readonly ServerChannel[]): Promise<ServerChannel | undefined> {
    const team = await this.directory.getTeam();
    try {
      const made = await this.rt.client.createChannel({
        team_id: team.id,
        name: channelName(channelBaseOf(incident), sequence),
        display_name: displayName(incident),
        type: 'P',
        purpose: purpose(incident, previous.at(-1)?.name),
        header: channelHeader(incident, statusAfter(event), event.occurredAt, event.kind === 'alerts' ? { firing: event.alerts.filter((a) => a.status === 'firing').length, total: event.alerts.length, truncated: event.truncated } : undefined),
      });
      if (event.kind === 'alerts') void this.rt.cache.set(sequenceKey(this.rt, channelBaseOf(incident)), String(sequence));
      // The creator is the tool's own account: whose posts count, learnt without asking.
      this.directory.learnSelf(made.creator_id);
      return made;
    } catch (error) {
      if (error instanceof ApiError && error.status === 400 && error.errorId === CHANNEL_EXISTS) return undefined;
      if (this.directory.teamIsRemembered && error instanceof ApiError && (error.status === 403 || error.status === 404)) {
        // The remembered team id is stale: forget it, look the team up, and try once more.
        await this.directory.forgetTeam();
        return this.tryCreate(incident, event, sequence, previous);
      }
      throw error;
    }
  }

  archive(channel: ServerChannel): Promise<void> {
    return archiveChannel(this.rt.client, channel);
  }

  /** The tool's own id, when it can be had; a channel's mark says the rest. */
  private selfId(): Promise<string | undefined> {
    return this.directory.selfId().catch(() => undefined);
  }

  /** Unarchives, where the token may (it needs manage_team, which bots rarely have). */
  async restore(channel: ServerChannel): Promise<ServerChannel | undefined> {
    try {
      return await this.rt.client.restoreChannel(channel.id);
    } catch (error) {
      if (error instanceof ApiError && (error.status === 403 || error.status === 401)) {
        this.rt.log.info(`~${channel.name} is archived and this token may not restore it; the reopened incident gets a new channel`);
        return undefined;
      }
      throw error;
    }
  }
}

/** Archives the channel (an already archived one is fine): the last step of closing, with archive_on_resolve. */
export async function archiveChannel(client: MattermostClient, channel: ServerChannel): Promise<void> {
  await client.archiveChannel(channel.id).catch((error: unknown) => {
    if (!(error instanceof ApiError && error.status === 400 && error.errorId === 'api.channel.delete_channel.deleted.app_error')) throw error;
  });
}

/** The last channel of a base the tool knows of (per Mattermost and team): an alert group's walk starts there. */
function sequenceKey(rt: Runtime, base: string): string {
  return `channel-sequence\n${rt.config.mattermost.url}\n${rt.config.teamName}\n${base}`;
}

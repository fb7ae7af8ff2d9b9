import type { ServerChannel } from '@mattermost/types/channels';
import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import { computeStats } from '../decide/resolution-stats';
import { ApiError } from '../errors';
import type { IncidentDetails, IncidentEvent } from '../incident/incident-event';
import { PROPS_KEY, type TimelineRecord, recordOf } from '../incident/timeline-record';
import { resolutionAnnouncement } from '../render/announcement';
import { type ChannelHistory, archiveEntries, zipEntries } from '../render/transcript';
import { newestPosts, readHistory } from './channel-posts';
import type { Directory } from './directory';
import type { Runtime } from './runtime';

export interface CloseOptions {
  /** Remove the people (a channel this very resolve created had nobody invited). */
  readonly release: boolean;
  /** A resumed run may find its announcement already made. */
  readonly maybeAnnounced: boolean;
}

/**
 * After the resolve is recorded: transcript, announcement, release, closing record, archive. Each step can be
 * repeated, so a run that stopped half-way is finished by the next delivery of the same resolve.
 */
export async function closeIncident(
  rt: Runtime,
  directory: Directory,
  event: IncidentEvent,
  incident: IncidentDetails,
  channel: ServerChannel,
  previous: readonly ServerChannel[],
  options: CloseOptions,
): Promise<string[]> {
  const { client, config } = rt;
  const done: string[] = [];
  const [announcementChannel, histories] = await Promise.all([
    client.getChannelByTeamName(config.teamName, config.announcementChannel),
    Promise.all([...previous, channel].map(async (c) => ({ channel: c, posts: await readHistory(client, c) }))),
  ]);
  const records = histories.flatMap((h) => h.posts.map((p) => recordOf(p)).filter((r) => r !== undefined));
  if (!(options.maybeAnnounced && (await alreadyAnnounced(rt, announcementChannel.id, event.eventId)))) {
    await announce(rt, event, incident, channel, histories, records, announcementChannel);
    done.push(`announced in ~${config.announcementChannel}`);
  }
  const released = options.release ? await release(rt, directory, channel, records) : [];
  if (released.length > 0) done.push(`${released.length} released`);
  const closing: TimelineRecord = { v: 1, incident_id: incident.id, event_id: event.eventId, action: 'closed', occurred_at: event.occurredAt };
  const who = released.length > 0 ? ` ${released.join(', ')} ${released.length === 1 ? 'was' : 'were'} released from this channel.` : '';
  await client.createPost({ channel_id: channel.id, message: `Resolution announced in ~${config.announcementChannel}, with the transcript.${who}`, props: { [PROPS_KEY]: closing } });
  if (config.archiveOnResolve && channel.delete_at === 0) {
    await client.archiveChannel(channel.id).catch((error: unknown) => {
      if (!(error instanceof ApiError && error.status === 400 && error.errorId === 'api.channel.delete_channel.deleted.app_error')) throw error;
    });
    done.push(`~${channel.name} archived`);
  }
  return done;
}

async function announce(
  rt: Runtime,
  event: IncidentEvent,
  incident: IncidentDetails,
  channel: ServerChannel,
  histories: { channel: ServerChannel; posts: Post[] }[],
  records: TimelineRecord[],
  announcementChannel: ServerChannel,
): Promise<void> {
  const { client } = rt;
  const posts = histories.flatMap((h) => h.posts);
  const userIds = [...new Set(posts.map((p) => p.user_id))];
  const users = new Map((userIds.length > 0 ? await client.getUsersByIds(userIds) : []).map((u) => [u.id, u]));
  const stats = computeStats({ incident, records, posts, users, resolvedAt: event.occurredAt, resolvedBy: event.agent?.name });

  const infos = await fileInfos(rt, posts);
  const files = new Map<string, { info: FileInfo; bytes: Uint8Array }>();
  await Promise.all([...infos.values()].map(async (info) => files.set(info.id, { info, bytes: new Uint8Array(await client.getFile(info.id)) })));
  const exportedAt = new Date(rt.now()).toISOString();
  const history: ChannelHistory[] = histories.map((h) => ({ name: h.channel.name, displayName: h.channel.display_name, posts: h.posts }));
  const fileName = `${channel.name}-transcript.zip`;
  const upload = async (withFiles: boolean) => {
    const entries = archiveEntries({ incident, channels: history, users, files: withFiles ? files : new Map(), exportedAt }, infos);
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
    if (!(error instanceof ApiError && error.status === 413) || files.size === 0) throw error;
    rt.log.warn(`the transcript with its ${files.size} files is over the server's file-size limit; attaching it without them`);
    fileId = await upload(false);
    note = `The transcript (${plural(posts.length, 'post')}) is attached without its ${plural(files.size, 'file')}: with them it would pass the server's file-size limit.`;
  }
  const { message, attachment } = resolutionAnnouncement({ incident, channelName: channel.name, stats, transcriptNote: note });
  const record: TimelineRecord = { v: 1, incident_id: incident.id, event_id: event.eventId, action: 'resolved', status: 'resolved', occurred_at: event.occurredAt };
  await client.createPost({ channel_id: announcementChannel.id, message, file_ids: fileId ? [fileId] : [], props: { [PROPS_KEY]: record, attachments: [attachment] } });
}

/** File infos of the people's posts (the post list carries them; older servers need asking). */
async function fileInfos(rt: Runtime, posts: readonly Post[]): Promise<Map<string, FileInfo>> {
  const infos = new Map<string, FileInfo>();
  await Promise.all(
    posts
      .filter((p) => (p.file_ids?.length ?? 0) > 0 && !recordOf(p))
      .map(async (post) => {
        const known = post.metadata?.files ?? (await rt.client.getFileInfos(post.id));
        for (const info of known) infos.set(info.id, info);
      }),
  );
  return infos;
}

/** Whether the announcement channel's newest posts already hold this resolution (from a run that stopped). */
async function alreadyAnnounced(rt: Runtime, channelId: string, eventId: string): Promise<boolean> {
  return (await newestPosts(rt.client, channelId)).some((p) => recordOf(p)?.event_id === eventId);
}

/** Removes the alert users, and everyone the tool invited, from the channel; one who already left is fine. */
async function release(rt: Runtime, directory: Directory, channel: ServerChannel, records: readonly TimelineRecord[]): Promise<string[]> {
  const invited = records.flatMap((r) => r.invited ?? []);
  const users = await directory.lookupUsers([...rt.config.alertUsers, ...invited]);
  await Promise.all(
    users.map((u) =>
      rt.client.removeChannelMember(channel.id, u.id).catch((error: unknown) => {
        if (!(error instanceof ApiError && error.status === 404)) throw error;
      }),
    ),
  );
  return users.map((u) => u.username);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

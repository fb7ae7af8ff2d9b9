import type { ServerChannel } from '@mattermost/types/channels';
import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import type { ChannelState } from '../decide/channel-state';
import { mergeLedgers, withRecord } from '../decide/ledger';
import { computeStats } from '../decide/resolution-stats';
import { ApiError } from '../errors';
import type { IncidentDetails, IncidentEvent } from '../incident/incident-event';
import { type Ledger, PROPS_KEY, type TimelineRecord } from '../incident/timeline-record';
import { resolutionAnnouncement } from '../render/announcement';
import { type ChannelHistory, archiveEntries, zipEntries } from '../render/transcript';
import { type Trusted, findAnnouncement, readHistory, stateOfPosts } from './channel-posts';
import type { Directory } from './directory';
import { archiveChannel } from './incident-channels';
import type { Runtime } from './runtime';

export interface CloseOptions {
  /** Remove the people (a channel this very resolve created had nobody invited). */
  readonly release: boolean;
  /** A resumed run may find its announcement already made. */
  readonly maybeAnnounced: boolean;
  /** When the post recording the resolution was made (Mattermost's clock): its announcement can only be newer. */
  readonly resolvedPostAt?: number;
}

/** A transcript carries the files up to this much in all; more goes without them, and the post says so. */
const MAX_TRANSCRIPT_FILE_BYTES = 50 * 1024 * 1024;
// When the resolution's post time is not known, its announcement is looked for back to the event's time, less this.
const CLOCK_SKEW_MS = 10 * 60 * 1000;

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
  state: Pick<ChannelState, 'ledger'> | undefined,
): Promise<string[]> {
  const { client, config } = rt;
  const done: string[] = [];
  const trusted = await directory.trusted();
  const [announcementChannel, histories] = await Promise.all([
    client.getChannelByTeamName(config.teamName, config.announcementChannel),
    Promise.all([...previous, channel].map(async (c) => ({ channel: c, posts: await readHistory(client, c) }))),
  ]);
  // The incident over every channel it had: the figures span them all.
  const ledger = mergeLedgers([...histories.map((h) => stateOfPosts(h.posts, trusted).ledger), ...(state ? [state.ledger] : [])]);
  const since = options.resolvedPostAt ?? Date.parse(event.occurredAt) - CLOCK_SKEW_MS;
  if (!(options.maybeAnnounced && (await findAnnouncement(client, announcementChannel.id, trusted, incident.id, event.eventId, since)))) {
    await announce(rt, event, incident, channel, histories, ledger, trusted, announcementChannel);
    done.push(`announced in ~${config.announcementChannel}`);
  }
  const released = options.release ? await release(rt, directory, channel, ledger) : [];
  if (released.length > 0) done.push(`${released.length} released`);
  const closing: TimelineRecord = { v: 2, incident_id: incident.id, event_id: event.eventId, action: 'closed', occurred_at: event.occurredAt };
  const closedLedger: Ledger = { ...withRecord(state?.ledger ?? ledger, closing), resolved_post_at: options.resolvedPostAt };
  const who = released.length > 0 ? ` ${released.join(', ')} ${released.length === 1 ? 'was' : 'were'} released from this channel.` : '';
  await client.createPost({ channel_id: channel.id, message: `Resolution announced in ~${config.announcementChannel}, with the transcript.${who}`, props: { [PROPS_KEY]: { ...closing, ledger: closedLedger } } });
  if (config.archiveOnResolve && channel.delete_at === 0) {
    await archiveChannel(client, channel);
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
  ledger: Ledger,
  trusted: Trusted,
  announcementChannel: ServerChannel,
): Promise<void> {
  const { client } = rt;
  const posts = histories.flatMap((h) => h.posts);
  const userIds = [...new Set(posts.map((p) => p.user_id))];
  const users = new Map((userIds.length > 0 ? await client.getUsersByIds(userIds) : []).map((u) => [u.id, u]));
  const stats = computeStats({ incident, ledger, posts, toolUserIds: trusted, users, resolvedAt: event.occurredAt, resolvedBy: event.agent?.name });

  const infos = fileInfos(posts, trusted, await missingFileInfos(rt, posts, trusted));
  const files = new Map<string, { info: FileInfo; bytes: Uint8Array }>();
  let budget = MAX_TRANSCRIPT_FILE_BYTES;
  const fitting = [...infos.values()].filter((info) => (budget -= info.size) >= 0);
  await Promise.all(fitting.map(async (info) => files.set(info.id, { info, bytes: new Uint8Array(await client.getFile(info.id)) })));
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
  const left = infos.size - files.size;
  let note = `The transcript (${plural(posts.length, 'post')}, ${plural(files.size, 'file')}${left > 0 ? `; ${plural(left, 'file')} too large to include` : ''}) is attached.`;
  try {
    fileId = await upload(true);
  } catch (error) {
    // Past the server's file-size limit (or a proxy's): the transcript alone still fits.
    if (!(error instanceof ApiError && error.status === 413) || files.size === 0) throw error;
    rt.log.warn(`the transcript with its ${files.size} files is over the server's file-size limit; attaching it without them`);
    fileId = await upload(false);
    note = `The transcript (${plural(posts.length, 'post')}) is attached without its ${plural(files.size, 'file')}: with them it would pass the server's file-size limit.`;
  }
  const { message, attachment } = resolutionAnnouncement({ incident, channelName: channel.name, stats, transcriptNote: note, jira: ledger.jira });
  const record: TimelineRecord = { v: 2, incident_id: incident.id, event_id: event.eventId, action: 'resolved', status: 'resolved', occurred_at: event.occurredAt };
  await client.createPost({ channel_id: announcementChannel.id, message, file_ids: fileId ? [fileId] : [], props: { [PROPS_KEY]: record, attachments: [attachment] } });
}

/** File infos of the people's posts: the post list carries them; older servers need asking. */
function fileInfos(posts: readonly Post[], trusted: Trusted, asked: ReadonlyMap<string, FileInfo[]>): Map<string, FileInfo> {
  const infos = new Map<string, FileInfo>();
  for (const post of posts) {
    if ((post.file_ids?.length ?? 0) === 0 || trusted.has(post.user_id)) continue;
    for (const info of post.metadata?.files ?? asked.get(post.id) ?? []) infos.set(info.id, info);
  }
  return infos;
}

async function missingFileInfos(rt: Runtime, posts: readonly Post[], trusted: Trusted): Promise<Map<string, FileInfo[]>> {
  const missing = posts.filter((p) => (p.file_ids?.length ?? 0) > 0 && !trusted.has(p.user_id) && !p.metadata?.files);
  return new Map(await Promise.all(missing.map(async (p) => [p.id, await rt.client.getFileInfos(p.id)] as const)));
}

/** Removes the alert users, and everyone the tool invited, from the channel; one who already left is fine. */
async function release(rt: Runtime, directory: Directory, channel: ServerChannel, ledger: Ledger): Promise<string[]> {
  const users = await directory.lookupUsers([...rt.config.alertUsers, ...ledger.invited]);
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

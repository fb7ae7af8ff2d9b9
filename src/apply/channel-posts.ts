import type { ServerChannel } from '@mattermost/types/channels';
import type { Post, PostList } from '@mattermost/types/posts';
import type { MattermostClient } from '../clients/mattermost-client';
import { type ChannelState, stateFromLedger } from '../decide/channel-state';
import { ledgerFromRecords, mergeLedgers } from '../decide/ledger';
import { type Ledger, type TimelineRecord, recordOf } from '../incident/timeline-record';

const POSTS_PER_PAGE = 200;
/** However busy the channel, the state read stops here (10,000 posts since the tool last posted). */
const MAX_STATE_PAGES = 50;
const MAX_HISTORY_PAGES = 250;
const MAX_ANNOUNCEMENT_PAGES = 50;

/** The tool's own posts: only they carry records that count, whatever a channel member puts in a post's props. */
export type Trusted = ReadonlySet<string>;

/**
 * The channel's state from the tool's newest posts: pages back from the newest post until a page holds one of
 * the tool's posts with a ledger, so the chatter since the tool last posted is all it reads. A channel from before
 * ledgers is read to its start.
 */
export async function readState(client: MattermostClient, channel: ServerChannel, trusted: Trusted): Promise<ChannelState> {
  const seen: Post[] = [];
  for (let page = 0; page < MAX_STATE_PAGES; page++) {
    const posts = postsOf(await client.getPosts(channel.id, page, POSTS_PER_PAGE));
    seen.push(...posts);
    if (posts.some((p) => trusted.has(p.user_id) && recordOf(p)?.ledger) || posts.length < POSTS_PER_PAGE) break;
  }
  return stateOfPosts(seen, trusted);
}

/**
 * The state that the tool's posts among `posts` add up to: their ledgers merged (two hosts may have posted at
 * once; each ledger holds the ones before it), or, in a channel from before ledgers, its records folded.
 */
export function stateOfPosts(posts: readonly Post[], trusted: Trusted): ChannelState {
  const own = posts.filter((p) => trusted.has(p.user_id)).map((post) => ({ post, record: recordOf(post) })).filter((o): o is { post: Post; record: TimelineRecord } => o.record !== undefined);
  const postedAt = new Map(own.map(({ post, record }) => [record.event_id, post.create_at]));
  const ledgers = own.map((o) => o.record.ledger).filter((l): l is Ledger => l !== undefined);
  let ledger = ledgers.length > 0 ? mergeLedgers(ledgers) : ledgerFromRecords(own.map((o) => o.record));
  const opening = own.find((o) => o.record.opening);
  if (opening && !ledger.opening_post_id) ledger = { ...ledger, opening_post_id: opening.post.id };
  const openingPost = ledger.opening_post_id ? own.find((o) => o.post.id === ledger.opening_post_id)?.post : undefined;
  return stateFromLedger(ledger, postedAt, openingPost, ledger.incident?.id ?? own[0]?.record.incident_id);
}

/** Every post of a channel, oldest first. */
export async function readHistory(client: MattermostClient, channel: ServerChannel): Promise<Post[]> {
  const posts: Post[] = [];
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const pagePosts = postsOf(await client.getPosts(channel.id, page, POSTS_PER_PAGE));
    posts.push(...pagePosts);
    if (pagePosts.length < POSTS_PER_PAGE) break;
  }
  return posts.reverse();
}

/**
 * Whether the tool already announced this resolution: its own post with the resolution's record, among the
 * announcement channel's posts back to `since` (when the resolution was recorded), however many came after it.
 */
export async function findAnnouncement(client: MattermostClient, channelId: string, trusted: Trusted, incidentId: string, eventId: string, since: number): Promise<boolean> {
  for (let page = 0; page < MAX_ANNOUNCEMENT_PAGES; page++) {
    const posts = postsOf(await client.getPosts(channelId, page, POSTS_PER_PAGE));
    if (posts.some((p) => trusted.has(p.user_id) && recordOf(p)?.event_id === eventId && recordOf(p)?.incident_id === incidentId)) return true;
    const oldest = posts.at(-1);
    if (posts.length < POSTS_PER_PAGE || !oldest || oldest.create_at < since) return false;
  }
  return false;
}

export function postsOf(list: Pick<PostList, 'order' | 'posts'>): Post[] {
  return list.order.map((id) => list.posts[id]).filter((p) => p !== undefined);
}

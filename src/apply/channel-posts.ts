import type { ServerChannel } from '@mattermost/types/channels';
import type { Post, PostList } from '@mattermost/types/posts';
import type { MattermostClient } from '../clients/mattermost-client';
import { type ChannelState, stateFromPosts } from '../decide/channel-state';
import type { IncidentEvent } from '../incident/incident-event';

const POSTS_PER_PAGE = 200;
const MAX_STATE_PAGES = 25;
const MAX_HISTORY_PAGES = 250;
// Posts for an event are made after it happened; this margin covers clock skew between the source and Mattermost.
const CLOCK_SKEW_MS = 10 * 60 * 1000;

/** Reads the channel's newest posts back to the event's time: enough to spot a duplicate and the latest status. */
export async function readState(client: MattermostClient, channel: ServerChannel, event: IncidentEvent): Promise<ChannelState> {
  const since = Date.parse(event.occurredAt) - CLOCK_SKEW_MS;
  const posts: Post[] = [];
  for (let page = 0; page < MAX_STATE_PAGES; page++) {
    const pagePosts = postsOf(await client.getPosts(channel.id, page, POSTS_PER_PAGE));
    posts.push(...pagePosts);
    const oldest = pagePosts.at(-1);
    if (pagePosts.length < POSTS_PER_PAGE || !oldest || oldest.create_at < since) break;
  }
  return stateFromPosts(posts);
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

/** The newest page of a channel's posts. */
export async function newestPosts(client: MattermostClient, channelId: string): Promise<Post[]> {
  return postsOf(await client.getPosts(channelId, 0, POSTS_PER_PAGE));
}

export function postsOf(list: Pick<PostList, 'order' | 'posts'>): Post[] {
  return list.order.map((id) => list.posts[id]).filter((p) => p !== undefined);
}

import type { Post } from '@mattermost/types/posts';
import type { ChannelState } from '../decide/channel-state';
import type { IncidentStatus, SourceId } from '../incident/incident-event';
import { buttonActions, incidentButtons, restyleAttachment } from '../render/buttons';
import type { Attachment } from '../render/opening-post';
import type { Runtime } from './runtime';

/** The opening post's incident and where it is: what its buttons are signed for. */
export interface OpeningPlace {
  readonly incidentId: string;
  readonly source: SourceId;
  readonly channelId: string;
}

/** Whether a status change changes the opening post's buttons (acknowledged drops Acknowledge, resolved all but Jira). */
export function buttonsChange(rt: Runtime, source: SourceId, before: IncidentStatus | undefined, after: IncidentStatus | undefined): boolean {
  if (!rt.config.chatops.actionUrl || before === after) return false;
  return buttonActions(source, before, rt.config).join() !== buttonActions(source, after, rt.config).join();
}

/**
 * The opening post with its status and buttons for the new status. Mattermost returns posts without their
 * buttons' URLs and contexts, so the post is rewritten whole from the tool's template, never edited as fetched.
 */
export function restyledOpening(rt: Runtime, post: Pick<Post, 'id' | 'message' | 'props'>, place: OpeningPlace, status: IncidentStatus, byMarkdown: string | undefined): Pick<Post, 'id' | 'message' | 'props'> {
  const attachments = ((post.props as { attachments?: Attachment[] } | undefined)?.attachments ?? []) as Attachment[];
  const buttons = incidentButtons({ incidentId: place.incidentId, source: place.source, team: rt.config.teamName, channelId: place.channelId }, status, rt.config);
  const [first, ...rest] = attachments;
  const restyled = first ? [restyleAttachment(first, status, place.source, byMarkdown, buttons), ...rest] : [];
  return { id: post.id, message: post.message, props: { ...post.props, attachments: restyled } };
}

/** Rewrites the opening post after a status change; a failure only costs the buttons' freshness, never the event. */
export async function rewriteOpening(rt: Runtime, state: ChannelState | undefined, place: OpeningPlace, status: IncidentStatus, byMarkdown: string | undefined): Promise<boolean> {
  const id = state?.ledger.opening_post_id;
  if (!id) return false;
  try {
    const post = state?.openingPost ?? (await rt.client.getPost(id));
    await rt.client.updatePost(restyledOpening(rt, post, place, status, byMarkdown));
    return true;
  } catch (error) {
    rt.log.warn(`the opening post's buttons could not be brought up to date: ${(error as Error).message}`);
    return false;
  }
}

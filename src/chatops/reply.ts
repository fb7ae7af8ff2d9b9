import type { Post } from '@mattermost/types/posts';

/** What a handler answers; one function turns it into what Mattermost expects for the kind of request. */
export type Reply =
  /** Only the person who acted sees it. */
  | { readonly kind: 'ephemeral'; readonly text: string }
  /** For a slash command that changed the incident: posted in the channel, as the person who typed it. */
  | { readonly kind: 'in_channel'; readonly text: string }
  /** The clicked post rewritten (its buttons follow the new status), and a word to the clicker. */
  | { readonly kind: 'update'; readonly post: Pick<Post, 'message' | 'props'>; readonly ephemeral?: string }
  /** A dialog was opened: nothing more to say. */
  | { readonly kind: 'dialog-opened' }
  /** A dialog submission: close it, or keep it open with what is wrong (per field, or as a whole). */
  | { readonly kind: 'dialog-done' }
  | { readonly kind: 'dialog-errors'; readonly errors?: Readonly<Record<string, string>>; readonly error?: string };

export type ReplyTarget = 'click' | 'dialog' | 'command';

/**
 * The JSON document for Mattermost: a click takes `update` and `ephemeral_text` (answered 200 always, so the
 * person sees the text rather than a generic error); a dialog takes `errors`/`error`, `{}` closing it; a slash
 * command takes `response_type` and `text`.
 */
export function serialiseReply(reply: Reply, target: ReplyTarget): Record<string, unknown> {
  switch (reply.kind) {
    case 'ephemeral':
      if (target === 'command') return { response_type: 'ephemeral', text: reply.text };
      if (target === 'dialog') return { error: reply.text };
      return { ephemeral_text: reply.text };
    case 'in_channel':
      return target === 'command' ? { response_type: 'in_channel', text: reply.text } : target === 'dialog' ? {} : { ephemeral_text: reply.text };
    case 'update':
      return target === 'click' ? { update: reply.post, ...(reply.ephemeral ? { ephemeral_text: reply.ephemeral } : {}) } : serialiseReply({ kind: 'ephemeral', text: reply.ephemeral ?? 'Done.' }, target);
    case 'dialog-opened':
      // A slash command's empty ephemeral answer posts nothing; a click's `{}` changes nothing.
      return target === 'command' ? { response_type: 'ephemeral', text: '' } : {};
    case 'dialog-done':
      return {};
    case 'dialog-errors':
      return target === 'dialog' ? { ...(reply.errors ? { errors: reply.errors } : {}), ...(reply.error ? { error: reply.error } : {}) } : serialiseReply({ kind: 'ephemeral', text: reply.error ?? Object.values(reply.errors ?? {}).join(' ') }, target);
    default:
      return reply satisfies never;
  }
}

/** Reads a request, or says to the person that it could not be read (the reason goes to `warn`). */
export function readOrRefuse<T>(read: () => T, target: ReplyTarget, warn: (message: string) => void): { request: T } | { refusal: Record<string, unknown> } {
  try {
    return { request: read() };
  } catch (error) {
    warn(`not a request from Mattermost: ${(error as Error).message}`);
    return { refusal: serialiseReply({ kind: 'ephemeral', text: `The incident tool did not understand this request (${(error as Error).message.slice(0, 120)}); nothing was changed.` }, target) };
  }
}

/**
 * What Mattermost sends for people's actions, read from the raw bytes at the boundary: a button click or a dialog
 * submission (JSON, to the `mattermost_action` hook), or a slash command (a form, to `mattermost_command`).
 */
import { PayloadError } from '../errors';
import { decodeJsonBody } from '../sources/decode-json';
import { JsonReader } from '../sources/json-reader';

/** Mattermost's own requests are small; anything larger is not one of them. */
export const MAX_CHATOPS_BODY_BYTES = 64 * 1024;

interface Who {
  readonly userId: string;
  readonly channelId: string;
  readonly teamId?: string;
}

export interface ClickRequest extends Who {
  readonly kind: 'click';
  readonly userName?: string;
  readonly channelName?: string;
  readonly teamName?: string;
  readonly postId: string;
  readonly triggerId?: string;
  /** The button's context as the tool made it, to be verified. */
  readonly context: unknown;
}

export interface DialogRequest extends Who {
  readonly kind: 'dialog';
  readonly callbackId: string;
  readonly state: unknown;
  readonly submission: Readonly<Record<string, unknown>>;
  readonly cancelled: boolean;
}

export interface CommandRequest extends Who {
  readonly kind: 'command';
  readonly token: string;
  readonly userName?: string;
  readonly channelName?: string;
  readonly teamName?: string;
  readonly command: string;
  readonly text: string;
  readonly triggerId?: string;
  /** Users the text mentions, by username and id, as the server resolved them. */
  readonly mentions: ReadonlyMap<string, string>;
}

export type ActionRequest = ClickRequest | DialogRequest;

/** A click or a dialog submission. */
export function parseActionRequest(raw: Buffer): ActionRequest {
  const root = JsonReader.root(decodeJsonBody(raw, MAX_CHATOPS_BODY_BYTES, 'more than Mattermost sends for an action'), '');
  const who = { userId: root.id('user_id'), channelId: root.id('channel_id'), teamId: root.optionalId('team_id') };
  if (root.optionalString('type') === 'dialog_submission') {
    const submission = root.optionalObject('submission');
    return {
      kind: 'dialog',
      ...who,
      callbackId: root.optionalString('callback_id') ?? '',
      state: root.raw('state'),
      submission: Object.fromEntries((submission?.keys() ?? []).map((k) => [k, submission!.raw(k)])),
      cancelled: root.raw('cancelled') === true,
    };
  }
  if (!root.has('post_id')) throw new PayloadError('not a Mattermost action: no post_id, and not a dialog submission');
  return {
    kind: 'click',
    ...who,
    userName: root.optionalString('user_name'),
    channelName: root.optionalString('channel_name'),
    teamName: root.optionalString('team_domain'),
    postId: root.id('post_id'),
    triggerId: root.optionalString('trigger_id'),
    context: root.raw('context'),
  };
}

/** A slash command's form body, as the server sends it (`application/x-www-form-urlencoded`). */
export function parseCommandRequest(raw: Buffer): CommandRequest {
  if (raw.length > MAX_CHATOPS_BODY_BYTES) throw new PayloadError(`body too large: ${raw.length} bytes (more than Mattermost sends for a command)`);
  const text = raw.toString('utf8');
  if (!/^[\x20-\x7e]*$/.test(text.trim())) throw new PayloadError('not a slash command: the body is not a URL-encoded form');
  const form = new URLSearchParams(text.trim());
  const field = (name: string) => form.get(name) ?? undefined;
  const id = (name: string, required: boolean) => {
    const value = field(name);
    if (value === undefined || value === '') {
      if (required) throw new PayloadError(`not a slash command: ${name} missing`);
      return undefined;
    }
    if (value.length > 128 || !/^[A-Za-z0-9_.-]+$/.test(value)) throw new PayloadError(`${name}: not an id`);
    return value;
  };
  const names = form.getAll('user_mentions');
  const ids = form.getAll('user_mentions_ids');
  return {
    kind: 'command',
    token: field('token') ?? '',
    userId: id('user_id', true)!,
    channelId: id('channel_id', true)!,
    teamId: id('team_id', false),
    userName: field('user_name'),
    channelName: field('channel_name'),
    teamName: field('team_domain'),
    command: field('command') ?? '',
    text: (field('text') ?? '').slice(0, 4000),
    triggerId: field('trigger_id'),
    mentions: new Map(names.slice(0, 20).map((name, i) => [name.toLowerCase(), ids[i]]).filter((e): e is [string, string] => typeof e[1] === 'string')),
  };
}

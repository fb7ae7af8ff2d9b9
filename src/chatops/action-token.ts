/**
 * Mattermost does not sign the requests it sends for buttons and dialogs, and anyone who can post can make a
 * button that points at the action hook. So what the tool's buttons carry is signed with `chatops.action_secret`
 * when the post is made, and verified when a click comes back: both halves are here.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SourceId } from '../incident/incident-event';

/** What a button or a dialog acts on: the incident, in which team and channel, and the action. */
export interface ActionSubject {
  readonly action: string;
  readonly incidentId: string;
  readonly source: SourceId;
  readonly team: string;
  readonly channelId: string;
}

/** A button's `integration.context`: kept from channel members by the server, returned as it was on a click. */
export interface ButtonContext {
  readonly v: 1;
  readonly action: string;
  readonly incident: string;
  readonly source: SourceId;
  readonly team: string;
  readonly channel: string;
  readonly sig: string;
}

/** How long a dialog may stay open before its submission is refused. */
export const DIALOG_LIFETIME_MS = 60 * 60 * 1000;

function mac(secret: string, purpose: string, fields: readonly string[]): string {
  return createHmac('sha256', secret).update([purpose, ...fields].join('\n')).digest('hex');
}

function sameMac(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

const fieldsOf = (s: ActionSubject) => [s.action, s.incidentId, s.source, s.team, s.channelId];

export function signButton(secret: string, subject: ActionSubject): ButtonContext {
  return { v: 1, action: subject.action, incident: subject.incidentId, source: subject.source, team: subject.team, channel: subject.channelId, sig: mac(secret, 'button', fieldsOf(subject)) };
}

/** The subject of a click, when its context is one the tool signed for the channel the click came from. */
export function verifyButton(secret: string, context: unknown, channelId: string): ActionSubject | undefined {
  if (!context || typeof context !== 'object') return undefined;
  const c = context as Partial<Record<keyof ButtonContext, unknown>>;
  if (c.v !== 1 || ![c.action, c.incident, c.source, c.team, c.channel].every((f) => typeof f === 'string')) return undefined;
  const subject: ActionSubject = { action: c.action as string, incidentId: c.incident as string, source: c.source as SourceId, team: c.team as string, channelId: c.channel as string };
  if (!sameMac(c.sig, mac(secret, 'button', fieldsOf(subject)))) return undefined;
  // A signed context copied into a post elsewhere still acts only where it was made.
  return subject.channelId === channelId ? subject : undefined;
}

/** A dialog's `state`, which travels through the user's client: signed, and valid for DIALOG_LIFETIME_MS. */
export function signDialogState(secret: string, subject: ActionSubject, postId: string, now: number): string {
  const payload = Buffer.from(JSON.stringify({ ...subject, postId, expires: now + DIALOG_LIFETIME_MS })).toString('base64url');
  return `${payload}.${mac(secret, 'dialog', [payload])}`;
}

export function verifyDialogState(secret: string, state: unknown, channelId: string, now: number): (ActionSubject & { readonly postId: string }) | undefined {
  if (typeof state !== 'string' || state.length > 4096) return undefined;
  const [payload, sig, extra] = state.split('.');
  if (!payload || extra !== undefined || !sameMac(sig, mac(secret, 'dialog', [payload]))) return undefined;
  let parsed: Partial<ActionSubject & { postId: string; expires: number }>;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed.expires !== 'number' || parsed.expires < now || parsed.channelId !== channelId) return undefined;
  const { action, incidentId, source, team, postId } = parsed;
  if (![action, incidentId, source, team, postId].every((f) => typeof f === 'string')) return undefined;
  return { action: action!, incidentId: incidentId!, source: source!, team: team!, channelId, postId: postId! };
}

/**
 * What the fake Mattermost does for integrations, as the server does (../shared/docs/chatops.md §1–§3, from the
 * server's integration_action.go and command.go): a click POSTs the server's request to the button's URL and
 * applies the answer; a dialog is opened with a short-lived trigger id and its submission is forwarded; a slash
 * command is run by POSTing a form with its token. Outgoing requests to 127.0.0.1 are refused unless the host is
 * in AllowedUntrustedInternalConnections, as the server's untrusted HTTP client refuses them (§1.4).
 */
import { randomBytes } from 'node:crypto';

export interface EphemeralPost {
  user_id: string;
  channel_id: string;
  root_id: string;
  message: string;
}

export interface OpenedDialog {
  user_id: string;
  url: string;
  dialog: { callback_id?: string; title: string; elements: { name: string; type: string; options?: { value: string; text: string }[] }[]; state?: string; [key: string]: unknown };
  opened_at: number;
}

export interface FakeCommand {
  id: string;
  token: string;
  team_id: string;
  creator_id: string;
  trigger: string;
  method: string;
  url: string;
  display_name: string;
  description: string;
  auto_complete: boolean;
  auto_complete_desc: string;
  auto_complete_hint: string;
  create_at: number;
  update_at: number;
  delete_at: number;
}

export interface OutgoingAnswer {
  status: number;
  contentType: string;
  text: string;
}

/** Mattermost's integration request timeout (OutgoingIntegrationRequestsTimeout, default 30 s). */
export const INTEGRATION_TIMEOUT_MS = 30_000;

export const newTriggerId = (userId: string, now: number) => Buffer.from(`${randomBytes(13).toString('hex').slice(0, 26)}:${userId}:${now}:${randomBytes(16).toString('base64')}`).toString('base64');

/** The user and time a trigger id was made for, or undefined when it is not one this server made. */
export function readTriggerId(triggerId: string): { userId: string; at: number } | undefined {
  const parts = Buffer.from(triggerId, 'base64').toString('utf8').split(':');
  if (parts.length !== 4 || !/^\d+$/.test(parts[2])) return undefined;
  return { userId: parts[1], at: Number(parts[2]) };
}

/** The server's untrusted client refuses private addresses unless the exact hostname (or a CIDR) is allowed (§1.4). */
export function addressForbidden(url: string, allowed: string): boolean {
  const host = new URL(url).hostname;
  const entries = allowed.split(/[\s,]+/).filter(Boolean);
  const reserved = /^(127\.|10\.|192\.168\.|169\.254\.|0\.)/.test(host) || /^172\.(1[6-9]|2\d|3[01])\./.test(host) || host === 'localhost' || host === '[::1]' || host === '::1';
  if (!reserved) return false;
  return !entries.some((entry) => entry === host || (entry.includes('/') && cidrContains(entry, host)));
}

function cidrContains(cidr: string, ip: string): boolean {
  const [base, bits] = cidr.split('/');
  const toNumber = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !/^\d+\.\d+\.\d+\.\d+$/.test(base)) return false;
  const mask = Number(bits) === 0 ? 0 : 2 ** 32 - 2 ** (32 - Number(bits));
  return (toNumber(ip) & mask) >>> 0 === (toNumber(base) & mask) >>> 0;
}

/** POSTs to an integration and reads its answer, as the server does (1 MiB read limit). */
export async function callIntegration(url: string, body: string, headers: Record<string, string>): Promise<OutgoingAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { Accept: 'application/json', 'User-Agent': 'Mattermost-Bot/1.1', ...headers }, body, signal: AbortSignal.timeout(INTEGRATION_TIMEOUT_MS) });
  const text = (await response.text()).slice(0, 1024 * 1024);
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

/**
 * A post as the action's `update` leaves it (§1.3): props absent keep the old ones; present, they replace them
 * all but the keys the server retains.
 */
export function applyUpdate(post: { message: string; props: Record<string, unknown> }, update: { message?: unknown; props?: unknown }): void {
  if (typeof update.message === 'string') post.message = update.message;
  if (update.props && typeof update.props === 'object') {
    const retained = Object.fromEntries(['from_webhook', 'override_username', 'override_icon_url'].filter((k) => k in post.props).map((k) => [k, post.props[k]]));
    post.props = { ...(update.props as Record<string, unknown>), ...retained };
  }
}

/** A post as the API returns it: buttons without their `integration`, which the server keeps to itself (§1.5). */
export function stripIntegrations(props: Record<string, unknown>): Record<string, unknown> {
  const attachments = props.attachments;
  if (!Array.isArray(attachments)) return props;
  return {
    ...props,
    attachments: attachments.map((a) =>
      a && typeof a === 'object' && Array.isArray((a as { actions?: unknown }).actions)
        ? { ...a, actions: ((a as { actions: Record<string, unknown>[] }).actions).map(({ integration: _hidden, ...action }) => ({ ...action, cookie: 'opaque' })) }
        : a,
    ),
  };
}

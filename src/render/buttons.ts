import { type ActionSubject, signButton } from '../chatops/action-token';
import type { Config } from '../config/config';
import type { IncidentStatus, SourceId } from '../incident/incident-event';
import type { Attachment } from './opening-post';
import { statusLook } from './incident-text';
import { inlineText } from './markdown';

/** The actions a button can start; ids are letters only, as the server's route demands. */
export const BUTTON_ACTIONS = {
  acknowledge: { label: 'Acknowledge', style: 'primary' },
  resolve: { label: 'Resolve', style: 'good' },
  escalate: { label: 'Escalate', style: 'danger' },
  note: { label: 'Add note', style: 'default' },
  responder: { label: 'Add responder', style: 'default' },
  statusupdate: { label: 'Status update', style: 'default' },
  silence: { label: 'Silence', style: 'default' },
  jira: { label: 'Create Jira issue', style: 'default' },
} as const satisfies Record<string, { label: string; style: string }>;

export type ButtonAction = keyof typeof BUTTON_ACTIONS;

/** A button as a post carries it (`integration` is kept from readers by the server, and not returned). */
export interface PostButton {
  readonly id: ButtonAction;
  readonly type: 'button';
  readonly name: string;
  readonly style: string;
  readonly integration: { readonly url: string; readonly context: object };
}

export type ButtonedAttachment = Attachment & { actions?: PostButton[] };

/**
 * Which actions the opening post offers for an incident in this state: PagerDuty incidents are worked in
 * PagerDuty (after acknowledge no Acknowledge, after resolve only Jira); alert groups have nobody upstream to
 * tell, so their Acknowledge is the tool's own, and Alertmanager's groups can be silenced.
 */
export function buttonActions(source: SourceId, status: IncidentStatus | undefined, config: Config): ButtonAction[] {
  const jira: ButtonAction[] = config.jira ? ['jira'] : [];
  if (status === 'resolved') return jira;
  const acknowledge: ButtonAction[] = status === 'acknowledged' ? [] : ['acknowledge'];
  switch (source) {
    case 'pagerduty':
      return config.pagerduty.apiToken ? [...acknowledge, 'resolve', 'escalate', 'note', 'responder', 'statusupdate', ...jira] : jira;
    case 'alertmanager':
      return [...acknowledge, ...(config.sources.alertmanager.apiUrl ? (['silence'] as const) : []), ...jira];
    case 'grafana':
      return [...acknowledge, ...jira];
    case 'opsgenie':
      return jira;
    default:
      return source satisfies never;
  }
}

/** The buttons of the opening post, each signed for this incident and channel; none without `chatops.action_url`. */
export function incidentButtons(subject: Omit<ActionSubject, 'action'>, status: IncidentStatus | undefined, config: Config): PostButton[] {
  const { actionUrl, actionSecret } = config.chatops;
  if (!actionUrl || !actionSecret) return [];
  return buttonActions(subject.source, status, config).map((id) => ({
    id,
    type: 'button',
    name: BUTTON_ACTIONS[id].label,
    style: BUTTON_ACTIONS[id].style,
    integration: { url: actionUrl, context: signButton(actionSecret, { ...subject, action: id }) },
  }));
}

/** Who changed the status, as Markdown: a Mattermost user as a mention, a name from the source made inert. */
export function byWhom(who: { readonly username: string } | { readonly name: string } | undefined): string | undefined {
  if (!who) return undefined;
  if ('username' in who) return /^[A-Za-z0-9._-]{1,64}$/.test(who.username) ? `@${who.username}` : inlineText(who.username, 64);
  return inlineText(who.name, 80);
}

/**
 * The opening post's attachment for a new status: its colour, Status field and who changed it (`byMarkdown`,
 * from `byWhom`), with the buttons rendered anew. The rest is kept as it was made.
 */
export function restyleAttachment(attachment: Attachment, status: IncidentStatus, source: SourceId, byMarkdown: string | undefined, buttons: readonly PostButton[]): ButtonedAttachment {
  const look = statusLook(status, source);
  const fields = (attachment.fields ?? []).map((f) => (f.title === 'Status' ? { ...f, value: `${look.emoji} ${look.label}` } : f));
  // Who changed it, when known; otherwise what the post said, unless the incident is live again.
  const kept = attachment.text?.startsWith(`${look.label} by `) ? attachment.text : undefined;
  const text = status === 'triggered' ? undefined : byMarkdown ? `${look.label} by ${byMarkdown}` : kept;
  const { text: _old, actions: _stale, ...rest } = attachment as ButtonedAttachment;
  return { ...rest, color: look.color, fields, ...(text ? { text } : {}), ...(buttons.length > 0 ? { actions: [...buttons] } : {}) };
}

import type { SourceId } from '../incident/incident-event';
import type { ButtonAction } from '../render/buttons';
import { type DialogSpec, noteDialog, responderDialog, silenceDialog, statusUpdateDialog } from '../render/dialogs';
import { signDialogState } from './action-token';
import { incidentName } from './actions/as-pagerduty-user';
import { escalate, escalateDialogFor } from './actions/escalate';
import { addText } from './actions/incident-text-actions';
import { createJiraIssue } from './actions/jira-issue';
import { acknowledgeLocally } from './actions/local-acknowledge';
import { setPagerDutyStatus } from './actions/pagerduty-status';
import { addResponder } from './actions/responder';
import { silenceAlerts } from './actions/silence';
import type { ActionContext, ActionInput } from './chatops-runtime';
import type { Reply } from './reply';

interface ActionHandler {
  /** The sources whose incidents it applies to. */
  readonly sources: readonly SourceId[];
  /** The dialog that asks for what the action needs, when the person has not given it. */
  readonly dialog?: (ctx: ActionContext) => Promise<DialogSpec>;
  readonly given?: (input: ActionInput) => boolean;
  readonly perform: (ctx: ActionContext) => Promise<Reply>;
}

const ALL: readonly SourceId[] = ['pagerduty', 'alertmanager', 'grafana', 'opsgenie'];
const PAGERDUTY: readonly SourceId[] = ['pagerduty'];

/** Every action, by the id its button carries. */
const HANDLERS: Readonly<Record<ButtonAction, ActionHandler>> = {
  acknowledge: { sources: ['pagerduty', 'alertmanager', 'grafana'], perform: (ctx) => (ctx.subject.source === 'pagerduty' ? setPagerDutyStatus('acknowledged')(ctx) : acknowledgeLocally(ctx)) },
  resolve: { sources: PAGERDUTY, perform: setPagerDutyStatus('resolved') },
  escalate: { sources: PAGERDUTY, dialog: escalateDialogFor, given: (i) => i.level !== undefined, perform: escalate },
  note: { sources: PAGERDUTY, dialog: async (ctx) => noteDialog(incidentName(ctx)), given: (i) => !!i.text?.trim(), perform: addText('note') },
  responder: { sources: PAGERDUTY, dialog: async (ctx) => responderDialog(incidentName(ctx)), given: (i) => (i.userIds?.length ?? 0) > 0, perform: addResponder },
  statusupdate: { sources: PAGERDUTY, dialog: async (ctx) => statusUpdateDialog(incidentName(ctx)), given: (i) => !!i.text?.trim(), perform: addText('status update') },
  silence: { sources: ['alertmanager'], dialog: async () => silenceDialog('these alerts'), given: (i) => i.hours !== undefined, perform: silenceAlerts },
  jira: { sources: ALL, perform: createJiraIssue },
};

export function isButtonAction(name: string): name is ButtonAction {
  return Object.prototype.hasOwnProperty.call(HANDLERS, name);
}

/** Runs one action: its dialog first when it needs input that was not given, else the action itself. */
export async function runAction(ctx: ActionContext): Promise<Reply> {
  const action = ctx.subject.action;
  if (!isButtonAction(action)) return { kind: 'ephemeral', text: `"${action.slice(0, 40)}" is not an action of the incident tool.` };
  const handler = HANDLERS[action];
  if (!handler.sources.includes(ctx.subject.source)) return { kind: 'ephemeral', text: notForSource(action, ctx.subject.source) };
  if (handler.dialog && ctx.via !== 'dialog' && !handler.given?.(ctx.input)) return openDialog(ctx, handler.dialog);
  return handler.perform(ctx);
}

/** Opens the dialog before anything slow: the trigger id that allows it expires within seconds. */
async function openDialog(ctx: ActionContext, make: (ctx: ActionContext) => Promise<DialogSpec>): Promise<Reply> {
  const { actionUrl, actionSecret } = ctx.rt.config.chatops;
  if (!actionUrl || !actionSecret) return { kind: 'ephemeral', text: 'Dialogs need chatops.action_url and chatops.action_secret: the admin can set them in conf.yaml. Give the details after the command instead.' };
  if (!ctx.triggerId) return { kind: 'ephemeral', text: 'Mattermost sent no trigger id, so no dialog can open; give the details after the command instead.' };
  const spec = await make(ctx);
  const state = signDialogState(actionSecret, ctx.subject, ctx.postId ?? '', ctx.rt.now());
  try {
    await ctx.rt.client.openDialog(ctx.triggerId, actionUrl, { ...spec, state });
  } catch (error) {
    ctx.rt.log.warn(`the ${spec.callback_id} dialog did not open: ${(error as Error).message}`);
    return { kind: 'ephemeral', text: 'The dialog could not be opened (Mattermost gives only a few seconds to open one); try again.' };
  }
  return { kind: 'dialog-opened' };
}

/** A dialog's fields as the action's input. */
export function inputFromSubmission(submission: Readonly<Record<string, unknown>>): ActionInput {
  const text = typeof submission.text === 'string' ? submission.text : undefined;
  const number = (value: unknown) => (typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,4}\s*$/.test(value) ? Number(value) : value === undefined || value === null || value === '' ? undefined : Number.NaN);
  const user = typeof submission.user === 'string' && submission.user !== '' ? [submission.user] : undefined;
  return { text, level: number(submission.level), hours: number(submission.hours), userIds: user };
}

function notForSource(action: ButtonAction, source: SourceId): string {
  if (source === 'pagerduty') return 'That is not something a PagerDuty incident offers.';
  if (action === 'resolve') return 'Alerts resolve when they stop firing: the channel follows the source.';
  if (action === 'silence') return 'Silences from Mattermost are for Alertmanager alerts.';
  return `That works for PagerDuty incidents; this one comes from ${source === 'opsgenie' ? 'Opsgenie' : source === 'grafana' ? 'Grafana' : 'Alertmanager'}.`;
}

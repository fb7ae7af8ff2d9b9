import type { ActionContext } from '../chatops-runtime';
import type { Reply } from '../reply';
import { asPagerDutyUser, incidentName } from './as-pagerduty-user';

/** PagerDuty keeps notes and status updates of this length at most. */
const MAX_TEXT = 3000;

/** A note, or a status update for the incident's subscribers, written in PagerDuty as the person. */
export function addText(kind: 'note' | 'status update') {
  return (ctx: ActionContext): Promise<Reply> => {
    const text = ctx.input.text?.trim() ?? '';
    if (text === '') return Promise.resolve(ctx.via === 'dialog' ? { kind: 'dialog-errors', errors: { text: 'Write something first.' } } : { kind: 'ephemeral', text: `Give the ${kind}'s text: \`/incident ${kind === 'note' ? 'note' : 'status'} <text>\`.` });
    if (Array.from(text).length > MAX_TEXT) return Promise.resolve(ctx.via === 'dialog' ? { kind: 'dialog-errors', errors: { text: `At most ${MAX_TEXT} characters.` } } : { kind: 'ephemeral', text: `The ${kind} is longer than ${MAX_TEXT} characters; nothing was sent.` });
    return asPagerDutyUser(ctx, async (as) => {
      if (kind === 'note') await as.pagerduty.addNote(ctx.subject.incidentId, as.user.email, text);
      else await as.pagerduty.addStatusUpdate(ctx.subject.incidentId, as.user.email, text);
      if (ctx.via === 'command') return { kind: 'in_channel', text: `@${as.username} added a ${kind} to ${incidentName(ctx)} in PagerDuty.` };
      return ctx.via === 'dialog' ? { kind: 'dialog-done' } : { kind: 'ephemeral', text: `Added the ${kind}.` };
    });
  };
}

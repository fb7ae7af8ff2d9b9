import type { ActionContext } from '../chatops-runtime';
import { mattermostUser, pagerDutyIdentity } from '../identity';
import type { Reply } from '../reply';
import { asPagerDutyUser, incidentName } from './as-pagerduty-user';

/** Asks PagerDuty to page another person for the incident, the person acting as the requester. */
export function addResponder(ctx: ActionContext): Promise<Reply> {
  const target = ctx.input.userIds?.[0];
  if (!target) return Promise.resolve(ctx.via === 'dialog' ? { kind: 'dialog-errors', errors: { user: 'Choose someone.' } } : { kind: 'ephemeral', text: 'Name who to add: `/incident responder @user`.' });
  return asPagerDutyUser(ctx, async (as) => {
    const them = await pagerDutyIdentity(ctx.rt, as.pagerduty, target);
    if (!them.ok) {
      const who = await mattermostUser(ctx.rt, target).then((u) => `@${u.username}`, () => 'That person');
      const text = `${who} has no PagerDuty user the tool can find, so PagerDuty cannot page them; nothing was sent.`;
      return ctx.via === 'dialog' ? { kind: 'dialog-errors', errors: { user: text } } : { kind: 'ephemeral', text };
    }
    const message = ctx.input.text?.trim() || `@${as.username} asks you to join ${incidentName(ctx)}.`;
    await as.pagerduty.requestResponders(ctx.subject.incidentId, as.user.email, as.user.id, message, [them.user.id]);
    if (ctx.via === 'command') return { kind: 'in_channel', text: `@${as.username} asked PagerDuty to bring @${them.username} into ${incidentName(ctx)}.` };
    return ctx.via === 'dialog' ? { kind: 'dialog-done' } : { kind: 'ephemeral', text: `Requested @${them.username}.` };
  });
}

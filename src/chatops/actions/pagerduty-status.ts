import type { Post } from '@mattermost/types/posts';
import type { PagerDutyIncident } from '../../clients/pagerduty-client';
import type { IncidentStatus } from '../../incident/incident-event';
import { byWhom } from '../../render/buttons';
import { restyledOpening } from '../../apply/opening-buttons';
import type { ActionContext } from '../chatops-runtime';
import { applyRuntime, configFor } from '../incident-target';
import type { Reply } from '../reply';
import { type AsUser, asPagerDutyUser, capitalised, incidentName } from './as-pagerduty-user';

/**
 * Acknowledge or resolve in PagerDuty, as the person. The channel follows when PagerDuty's own webhook for the
 * change arrives; the clicked post's buttons follow at once. A second click, or one on an incident already past
 * that status, changes nothing in PagerDuty (acknowledging a resolved incident would reopen it) and says so.
 */
export function setPagerDutyStatus(target: 'acknowledged' | 'resolved') {
  return (ctx: ActionContext): Promise<Reply> => {
    // Asked at once, alongside finding who acts: the status to check, and the post the reply rewrites.
    const current = ctx.rt.pagerduty?.getIncident(ctx.subject.incidentId);
    const post = ctx.via === 'button' && ctx.postId ? ctx.rt.client.getPost(ctx.postId) : undefined;
    for (const pending of [current, post]) pending?.catch(() => undefined);
    return asPagerDutyUser(ctx, async (as) => {
      const incident = await current!;
      const already = incident.status === 'resolved' || incident.status === target;
      if (already) return answer(ctx, post, incident.status, undefined, alreadyText(ctx, incident));
      const fields = target === 'resolved' && ctx.input.text ? { status: target, resolution: ctx.input.text } : { status: target };
      await as.pagerduty.updateIncident(ctx.subject.incidentId, as.user.email, fields);
      return answer(ctx, post, target, as, `You ${target} ${incidentName(ctx)} in PagerDuty. The channel follows as soon as PagerDuty reports the change.`);
    });
  };
}

function alreadyText(ctx: ActionContext, incident: PagerDutyIncident): string {
  const by = incident.acknowledgements?.map((a) => a.acknowledger?.summary).filter(Boolean).join(', ');
  if (incident.status === 'resolved') return `${capitalised(incidentName(ctx))} is already resolved in PagerDuty; nothing was changed.`;
  return `${capitalised(incidentName(ctx))} is already acknowledged in PagerDuty${by ? ` (by ${by})` : ''}; nothing was changed.`;
}

/** A click gets its post rewritten for the status (its buttons with it); a slash command says it in the channel. */
async function answer(ctx: ActionContext, clicked: Promise<Post> | undefined, status: IncidentStatus, as: AsUser | undefined, text: string): Promise<Reply> {
  if (clicked) {
    const post = await clicked;
    const runtime = applyRuntime(ctx.rt, await configFor(ctx.rt, ctx.subject));
    const by = as ? byWhom({ username: as.username }) : undefined;
    const update = restyledOpening(runtime, post, { incidentId: ctx.subject.incidentId, source: ctx.subject.source, channelId: ctx.subject.channelId }, status, by);
    return { kind: 'update', post: { message: update.message, props: update.props }, ephemeral: text };
  }
  if (ctx.via === 'command' && as) return { kind: 'in_channel', text: `@${as.username} ${status === 'resolved' ? 'resolved' : 'acknowledged'} ${incidentName(ctx)} in PagerDuty.` };
  return { kind: 'ephemeral', text };
}

import type { PagerDutyClient } from '../../clients/pagerduty-client';
import { type DialogSpec, escalateDialog } from '../../render/dialogs';
import type { ActionContext } from '../chatops-runtime';
import type { Reply } from '../reply';
import { asPagerDutyUser, capitalised, incidentName } from './as-pagerduty-user';

/** How long the dialog waits for the policy's levels: the trigger id it needs lives 3 s on older servers. */
const LEVELS_BUDGET_MS = 1200;

/** The escalate dialog, listing the incident's escalation levels with who is on call on each when PagerDuty answers in time. */
export async function escalateDialogFor(ctx: ActionContext): Promise<DialogSpec> {
  const { pagerduty } = ctx.rt;
  const levels = pagerduty ? await withinBudget(levelsOf(pagerduty, ctx.subject.incidentId)) : undefined;
  return escalateDialog(incidentName(ctx), levels);
}

async function levelsOf(pagerduty: PagerDutyClient, incidentId: string): Promise<{ level: number; who: string }[] | undefined> {
  const incident = await pagerduty.getIncident(incidentId);
  const policyId = incident.escalation_policy?.id;
  if (!policyId) return undefined;
  const [policy, oncalls] = await Promise.all([pagerduty.getEscalationPolicy(policyId), pagerduty.onCallsOf(policyId).catch(() => [])]);
  return (policy.escalation_rules ?? []).map((rule, i) => {
    const level = i + 1;
    const onCall = [...new Set(oncalls.filter((o) => o.escalation_level === level).map((o) => o.user?.summary).filter((n): n is string => !!n))];
    const targets = (rule.targets ?? []).map((t) => t.summary).filter((n): n is string => !!n);
    return { level, who: onCall.length > 0 ? `${onCall.join(', ')} (on call)` : targets.join(', ') || 'nobody named' };
  });
}

async function withinBudget<T>(work: Promise<T>): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), LEVELS_BUDGET_MS)));
  try {
    return await Promise.race([work.catch(() => undefined), late]);
  } finally {
    clearTimeout(timer);
  }
}

export function escalate(ctx: ActionContext): Promise<Reply> {
  const level = ctx.input.level;
  if (level === undefined || !Number.isInteger(level) || level < 1 || level > 20) {
    return Promise.resolve(ctx.via === 'dialog' ? { kind: 'dialog-errors', errors: { level: 'A level number: 1, 2, 3…' } } : { kind: 'ephemeral', text: 'Give the level to escalate to, as a number: `/incident escalate 2`.' });
  }
  return asPagerDutyUser(ctx, async (as) => {
    const incident = await as.pagerduty.getIncident(ctx.subject.incidentId);
    if (incident.status === 'resolved') return { kind: 'ephemeral', text: `${capitalised(incidentName(ctx))} is resolved; there is nothing to escalate.` };
    await as.pagerduty.updateIncident(ctx.subject.incidentId, as.user.email, { escalation_level: level });
    if (ctx.via === 'command') return { kind: 'in_channel', text: `@${as.username} escalated ${incidentName(ctx)} to level ${level} in PagerDuty.` };
    return ctx.via === 'dialog' ? { kind: 'dialog-done' } : { kind: 'ephemeral', text: `Escalated to level ${level}.` };
  });
}

import type { PagerDutyClient } from '../../clients/pagerduty-client';
import type { ActionContext } from '../chatops-runtime';
import { type PagerDutyIdentity, pagerDutyIdentity } from '../identity';
import type { Reply } from '../reply';

export interface AsUser {
  readonly pagerduty: PagerDutyClient;
  readonly user: PagerDutyIdentity;
  /** The Mattermost username of the person acting. */
  readonly username: string;
}

/**
 * Runs a PagerDuty action as the person who acted, or says why it cannot be: no API token, or no PagerDuty user
 * for them. Nothing is sent to PagerDuty in those cases.
 */
export async function asPagerDutyUser(ctx: ActionContext, work: (as: AsUser) => Promise<Reply>): Promise<Reply> {
  const { pagerduty } = ctx.rt;
  if (!pagerduty) return { kind: 'ephemeral', text: 'PagerDuty actions are not set up: the admin needs to put a PagerDuty API token with write access in pagerduty.api_token.' };
  const found = await pagerDutyIdentity(ctx.rt, pagerduty, ctx.userId);
  if (!found.ok) return { kind: 'ephemeral', text: found.reason };
  return work({ pagerduty, user: found.user, username: found.username });
}

/** How replies name the incident. */
export function incidentName(ctx: ActionContext): string {
  return ctx.subject.source === 'pagerduty' ? `incident ${ctx.subject.incidentId}` : 'this incident';
}

export function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

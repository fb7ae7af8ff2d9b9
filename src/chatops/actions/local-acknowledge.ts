import { IncidentApplier } from '../../apply/apply-event';
import type { StatusEvent } from '../../incident/incident-event';
import { detailsOf } from '../../incident/incident-snapshot';
import type { ActionContext } from '../chatops-runtime';
import { mattermostUser } from '../identity';
import { underIncidentLock } from '../incident-target';
import type { Reply } from '../reply';

/**
 * An alert group has nobody upstream to tell: its acknowledge is recorded in the channel by the tool itself,
 * under the incident's lock as a delivery would be (header, timeline, and the time to acknowledge reported on
 * resolution).
 */
export async function acknowledgeLocally(ctx: ActionContext): Promise<Reply> {
  const user = await mattermostUser(ctx.rt, ctx.userId);
  const name = [user.first_name, user.last_name].filter(Boolean).join(' ') || user.username;
  return underIncidentLock(ctx.rt, ctx.subject, async ({ state, runtime }) => {
    const { latest, incident } = state.ledger;
    if (latest?.status === 'resolved') return { kind: 'ephemeral', text: 'These alerts are resolved; there is nothing to acknowledge.' };
    if (latest?.status === 'acknowledged') return { kind: 'ephemeral', text: `Already acknowledged${state.ledger.acknowledged?.actor ? ` by ${state.ledger.acknowledged.actor}` : ''}; nothing was changed.` };
    if (!incident) return { kind: 'ephemeral', text: 'This channel does not record its incident yet; wait for the next alert message and try again.' };
    const occurredAt = new Date(ctx.rt.now()).toISOString();
    const event: StatusEvent = {
      kind: 'status',
      source: ctx.subject.source,
      action: 'acknowledged',
      // One acknowledge per state of the channel: a retry of this very click is recognised as applied.
      eventId: `mattermost-ack:${ctx.subject.channelId}:${latest?.event_id ?? 'start'}`,
      eventType: 'mattermost.acknowledge',
      occurredAt,
      agent: { kind: 'user', name, id: user.id },
      incident: { ...detailsOf(incident), status: 'acknowledged', acknowledgers: [{ kind: 'user', name, id: user.id }] },
    };
    const line = await new IncidentApplier(runtime).apply(event);
    ctx.rt.log.info(line);
    const text = `You acknowledged these alerts for the team${incident.source === 'alertmanager' || incident.source === 'grafana' ? ` (${incident.source === 'grafana' ? 'Grafana' : 'Alertmanager'} is not told)` : ''}.`;
    return ctx.via === 'command' ? { kind: 'in_channel', text: `@${user.username} acknowledged these alerts.` } : { kind: 'ephemeral', text };
  });
}

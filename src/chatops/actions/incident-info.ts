import { incidentLabel, statusLook } from '../../render/incident-text';
import { inlineText, link } from '../../render/markdown';
import type { ActionContext } from '../chatops-runtime';
import { loadTarget } from '../incident-target';
import type { Reply } from '../reply';

/** `/incident info`: the incident as its channel records it, for the person who asked. */
export async function incidentInfo(ctx: ActionContext): Promise<Reply> {
  const { state, channel } = await loadTarget(ctx.rt, ctx.subject);
  const { incident, latest, jira, acknowledged } = state.ledger;
  if (!incident) return { kind: 'ephemeral', text: `~${channel.name} is the channel of incident ${inlineText(ctx.subject.incidentId, 40)}; it records nothing more yet.` };
  const look = statusLook(latest?.status, incident.source);
  const lines = [
    `${look.emoji} **${look.label}**${latest?.status === 'acknowledged' && acknowledged?.actor ? ` by ${inlineText(acknowledged.actor, 60)}` : ''} · ${link(`${incidentLabel(incident)}: ${incident.title}`, incident.htmlUrl)}`,
    incident.service && `**Service:** ${link(incident.service.name, incident.service.htmlUrl, 100)}`,
    incident.urgency && `**Urgency:** ${inlineText(incident.urgency, 40)}`,
    incident.priority && `**Priority:** ${inlineText(incident.priority, 40)}`,
    `**Channel:** ~${channel.name}`,
    jira && `**Jira:** ${link(jira.key, jira.url)}`,
  ].filter(Boolean);
  return { kind: 'ephemeral', text: lines.join('\n') };
}

import { postLinked } from '../../apply/channel-note';
import { SILENCE_HOURS } from '../../render/dialogs';
import { link } from '../../render/markdown';
import type { ActionContext } from '../chatops-runtime';
import { mattermostUser } from '../identity';
import { underIncidentLock } from '../incident-target';
import type { Reply } from '../reply';

/**
 * Silences an Alertmanager group's alerts for a while, through Alertmanager's API: one matcher per label the
 * group's alerts share. The silence's link is posted in the channel.
 */
export async function silenceAlerts(ctx: ActionContext): Promise<Reply> {
  const { alertmanager } = ctx.rt;
  if (!alertmanager) return { kind: 'ephemeral', text: 'Silences are not set up: the admin needs to set sources.alertmanager.api_url.' };
  const hours = ctx.input.hours ?? 1;
  if (!(SILENCE_HOURS as readonly number[]).includes(hours)) return { kind: 'dialog-errors', errors: { hours: `One of ${SILENCE_HOURS.join(', ')} hours.` } };
  const user = await mattermostUser(ctx.rt, ctx.userId);
  return underIncidentLock(ctx.rt, ctx.subject, async ({ state, channel, runtime }) => {
    const labels = Object.entries(state.ledger.incident?.labels ?? {});
    if (labels.length === 0) return { kind: 'ephemeral', text: 'These alerts share no labels to silence them by; silence them in Alertmanager itself.' };
    const now = ctx.rt.now();
    const endsAt = new Date(now + hours * 3600_000).toISOString();
    const comment = ctx.input.text?.trim() || `Silenced from Mattermost (~${channel.name})`;
    const id = await alertmanager.createSilence({
      matchers: labels.map(([name, value]) => ({ name, value, isRegex: false, isEqual: true })),
      startsAt: new Date(now).toISOString(),
      endsAt,
      createdBy: `${user.username} (Mattermost)`,
      comment,
    });
    const base = state.ledger.incident?.links?.find((l) => l.label === 'Alertmanager')?.url ?? ctx.rt.config.sources.alertmanager.apiUrl;
    const url = `${base?.replace(/\/+$/, '')}/#/silences/${encodeURIComponent(id)}`;
    await postLinked(runtime, channel, state, {
      id: `silence:${id}`,
      message: `🔕 @${user.username} silenced these alerts for ${hours === 1 ? '1 hour' : `${hours} hours`}: ${link('the silence', url)}.`,
      actor: user.username,
      ledger: { silences: [...(state.ledger.silences ?? []), id].slice(-20) },
    });
    return ctx.via === 'dialog' ? { kind: 'dialog-done' } : { kind: 'ephemeral', text: `Silenced for ${hours} h.` };
  });
}

import { readHistory } from '../../apply/channel-posts';
import { postLinked } from '../../apply/channel-note';
import { recordOf } from '../../incident/timeline-record';
import { link } from '../../render/markdown';
import { adfDescription, issueSummary, textDescription } from '../../render/jira-description';
import type { ActionContext } from '../chatops-runtime';
import { mattermostUser } from '../identity';
import { type IncidentTarget, underIncidentLock } from '../incident-target';
import type { Reply } from '../reply';

/** A filed issue is remembered here too, in case the post that records it could not be made. */
const FILED_TTL_MS = 90 * 24 * 3600 * 1000;

/**
 * Files one Jira issue for the incident. The issue is recorded in the channel (a post with the ledger), so a
 * second click links the one filed instead of filing another, and the resolution announcement names it.
 */
export async function createJiraIssue(ctx: ActionContext): Promise<Reply> {
  const { jira } = ctx.rt;
  if (!jira) return { kind: 'ephemeral', text: 'Jira is not set up: the admin needs to fill in the jira: section of conf.yaml.' };
  const user = await mattermostUser(ctx.rt, ctx.userId);
  return underIncidentLock(ctx.rt, ctx.subject, async (target) => {
    const { state, channel, runtime } = target;
    const known = state.ledger.jira;
    if (known) return { kind: 'ephemeral', text: `This incident already has its Jira issue: ${link(known.key, known.url)}.` };
    const key = `jira-issue\n${ctx.rt.config.jira?.url}\n${ctx.subject.source}\n${ctx.subject.incidentId}\n${channel.id}`;
    const remembered = await ctx.rt.store.cache.get(key);
    let issue = remembered ? (JSON.parse(remembered) as { key: string; url: string }) : undefined;
    const snapshot = state.ledger.incident;
    if (!issue) {
      if (!snapshot) return { kind: 'ephemeral', text: 'This channel does not record its incident yet; try again after its next update.' };
      const facts = { incident: snapshot, status: state.ledger.latest?.status, channelName: channel.name, channelUrl: `${ctx.rt.config.mattermost.url}/${encodeURIComponent(runtime.config.teamName)}/channels/${encodeURIComponent(channel.name)}`, timeline: await timelineOf(target) };
      issue = await jira.createIssue({ summary: issueSummary(snapshot), description: jira.flavour === 'cloud' ? adfDescription(facts) : textDescription(facts), labels: ['incident', snapshot.source] });
      await ctx.rt.store.cache.set(key, JSON.stringify(issue), FILED_TTL_MS);
    }
    await postLinked(runtime, channel, state, { id: `jira:${issue.key}`, message: `🎫 Jira issue ${link(issue.key, issue.url)} filed by @${user.username}.`, actor: user.username, ledger: { jira: issue } });
    if (ctx.via === 'command') return { kind: 'in_channel', text: `@${user.username} filed ${link(issue.key, issue.url)} in Jira for this incident.` };
    return { kind: 'ephemeral', text: `Filed ${link(issue.key, issue.url)} in Jira.` };
  });
}

/** The tool's timeline posts, first line each, oldest first. */
async function timelineOf({ runtime, channel, directory }: IncidentTarget): Promise<string[]> {
  const trusted = await directory.trusted();
  const posts = await readHistory(runtime.client, channel);
  return posts.filter((p) => trusted.has(p.user_id) && recordOf(p) !== undefined).map((p) => p.message.split('\n')[0].replace(/[*_`]/g, '').trim()).filter(Boolean);
}

import { timingSafeEqual, createHash } from 'node:crypto';
import { readState } from '../apply/channel-posts';
import { Directory } from '../apply/directory';
import { IncidentChannels } from '../apply/incident-channels';
import { ApiError } from '../errors';
import type { SourceId } from '../incident/incident-event';
import type { ButtonAction } from '../render/buttons';
import type { ActionSubject } from './action-token';
import { incidentInfo } from './actions/incident-info';
import type { ActionContext, ActionInput, ChatopsRuntime } from './chatops-runtime';
import { applyRuntime } from './incident-target';
import type { Reply } from './reply';
import type { CommandRequest } from './request';
import { runAction } from './router';

/** `/incident <subcommand>`: the words people type, and the action each one runs. */
const SUBCOMMANDS: Readonly<Record<string, ButtonAction | 'info' | 'help'>> = {
  ack: 'acknowledge',
  acknowledge: 'acknowledge',
  resolve: 'resolve',
  escalate: 'escalate',
  note: 'note',
  status: 'statusupdate',
  responder: 'responder',
  jira: 'jira',
  silence: 'silence',
  info: 'info',
  help: 'help',
};

export const COMMAND_HELP = [
  '**/incident** acts on the incident of the channel it is typed in, or on the one whose id follows the subcommand (`/incident ack PT4KHLK`):',
  '- `ack`: acknowledge it (in PagerDuty, as you)',
  '- `resolve [note]`: resolve it, with an optional resolution note',
  '- `escalate [level]`: escalate it to a level of its escalation policy (without a level, a dialog lists them)',
  '- `note <text>`: add a note in PagerDuty',
  '- `status <text>`: post a status update for the incident\'s subscribers',
  '- `responder @user`: ask PagerDuty to page someone into the incident',
  '- `jira`: file a Jira issue for it (once; again, it links the one filed)',
  '- `silence [1|4|24]`: silence an Alertmanager group\'s alerts for that many hours',
  '- `info`: what the incident channel records',
  '- `help`: this list',
].join('\n');

/** True when the token is one of those configured, compared in constant time. */
export function commandTokenAccepted(given: string, accepted: readonly string[]): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  const actual = digest(given);
  let match = false;
  for (const token of accepted) match = timingSafeEqual(actual, digest(token)) || match;
  return given !== '' && match;
}

/** A PagerDuty incident id as people type it: capitals and digits, both. */
const INCIDENT_ID = /^(?=[A-Z0-9]*[0-9])(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,20}$/;

/** Runs one slash command whose token was accepted. */
export async function runCommand(rt: ChatopsRuntime, request: CommandRequest): Promise<Reply> {
  const words = request.text.trim().split(/\s+/).filter(Boolean);
  const name = (words[0] ?? 'help').toLowerCase();
  const sub = Object.prototype.hasOwnProperty.call(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!sub || sub === 'help') return { kind: 'ephemeral', text: sub ? COMMAND_HELP : `\`${name.slice(0, 30)}\` is not a subcommand.\n${COMMAND_HELP}` };

  const here = await channelIncident(rt, request);
  const givenId = words[1] && INCIDENT_ID.test(words[1]) && words[1] !== here?.incidentId ? words[1] : undefined;
  const rest = restAfter(request.text, givenId || words[1] === here?.incidentId ? 2 : 1);
  const subject = givenId ? await elsewhere(rt, request, givenId, sub) : here ? { ...here, action: sub } : undefined;
  if (!subject) return { kind: 'ephemeral', text: `Type this in an incident channel, or give the incident's id: \`/incident ${name} PT4KHLK\`.` };

  const input = await inputFor(rt, sub, rest, request);
  if (sub === 'responder' && rest && input.userIds?.length === 0) return { kind: 'ephemeral', text: `There is no Mattermost user ${rest.split(/\s/)[0].slice(0, 65)}.` };
  const ctx: ActionContext = { rt, subject, userId: request.userId, via: 'command', triggerId: request.triggerId, input };
  if (sub === 'info') {
    if (!subject.channelId) return { kind: 'ephemeral', text: `Incident ${subject.incidentId} has no channel in this team.` };
    return incidentInfo(ctx);
  }
  return runAction(ctx);
}

/** The incident whose channel this is, by the tool's records in it; none for any other channel. */
async function channelIncident(rt: ChatopsRuntime, request: CommandRequest): Promise<Omit<ActionSubject, 'action'> | undefined> {
  const runtime = applyRuntime(rt, rt.config);
  let channel;
  try {
    channel = await rt.client.getChannel(request.channelId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
  if (channel.type !== 'P') return undefined;
  const state = await readState(rt.client, channel, await new Directory(runtime).trusted());
  if (!state.incidentId) return undefined;
  const source: SourceId = state.ledger.incident?.source ?? 'pagerduty';
  return { incidentId: state.incidentId, source, team: request.teamName ?? rt.config.teamName, channelId: channel.id };
}

/** A PagerDuty incident named by id from any channel of the team: its channel, when it has one. */
async function elsewhere(rt: ChatopsRuntime, request: CommandRequest, incidentId: string, sub: string): Promise<ActionSubject> {
  const team = request.teamName ?? rt.config.teamName;
  const runtime = applyRuntime(rt, { ...rt.config, teamName: team });
  const located = await new IncidentChannels(runtime, new Directory(runtime)).locate({ id: incidentId });
  return { action: sub, incidentId, source: 'pagerduty', team, channelId: located.current?.id ?? '' };
}

/** The text after the first `count` words, as typed. */
function restAfter(text: string, count: number): string {
  let rest = text.trimStart();
  for (let i = 0; i < count; i++) rest = rest.replace(/^\S+\s*/, '');
  return rest.trim();
}

async function inputFor(rt: ChatopsRuntime, sub: string, rest: string, request: CommandRequest): Promise<ActionInput> {
  switch (sub) {
    case 'escalate':
      return /^\d{1,3}$/.test(rest) ? { level: Number(rest) } : rest ? { level: Number.NaN } : {};
    case 'silence': {
      const hours = /^(\d{1,2})\s*h?$/i.exec(rest);
      return hours ? { hours: Number(hours[1]) } : {};
    }
    case 'responder': {
      const name = /^@?([A-Za-z0-9._-]{1,64})/.exec(rest)?.[1]?.toLowerCase();
      if (!name) return {};
      const mentioned = request.mentions.get(name);
      if (mentioned) return { userIds: [mentioned] };
      const [user] = await rt.client.getUsersByUsernames([name]);
      return user ? { userIds: [user.id] } : { userIds: [] };
    }
    default:
      return rest ? { text: rest } : {};
  }
}

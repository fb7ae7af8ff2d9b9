import type { ServerChannel } from '@mattermost/types/channels';
import { readState } from '../apply/channel-posts';
import { Directory } from '../apply/directory';
import { configOfIncident, lockKey } from '../apply/routed-config';
import type { Runtime } from '../apply/runtime';
import type { Config } from '../config/config';
import type { ChannelState } from '../decide/channel-state';
import { ApiError } from '../errors';
import type { ActionSubject } from './action-token';
import type { ChatopsRuntime } from './chatops-runtime';

/** An incident's channel as an action finds it: the channel, what its posts record, and the config it runs with. */
export interface IncidentTarget {
  readonly channel: ServerChannel;
  readonly state: ChannelState;
  /** The apply runtime for the incident's route (its team, alert users, announcement channel). */
  readonly runtime: Runtime;
  readonly directory: Directory;
}

/** Why an action cannot find its incident, in words for the person who acted. */
export class TargetMissing extends Error {}

/** The apply runtime an action uses for writes to the incident channel, as a delivery would. */
export function applyRuntime(rt: ChatopsRuntime, config: Config): Runtime {
  return { client: rt.client, pagerduty: rt.pagerduty, cache: rt.store.cache, config, log: rt.log, now: rt.now };
}

export async function configFor(rt: ChatopsRuntime, subject: ActionSubject): Promise<Config> {
  return configOfIncident(rt.config, subject.source, subject.incidentId, subject.team, rt.store);
}

/** Reads the incident's channel; a channel that is not the incident's own (by the tool's records) is refused. */
export async function loadTarget(rt: ChatopsRuntime, subject: ActionSubject): Promise<IncidentTarget> {
  const runtime = applyRuntime(rt, await configFor(rt, subject));
  const directory = new Directory(runtime);
  let channel: ServerChannel;
  try {
    channel = await rt.client.getChannel(subject.channelId);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) throw new TargetMissing('The incident channel is gone, or the tool is no longer a member of it.');
    throw error;
  }
  const state = await readState(rt.client, channel, await directory.trusted());
  if (state.incidentId !== undefined && state.incidentId !== subject.incidentId) throw new TargetMissing('This channel belongs to another incident.');
  return { channel, state, runtime, directory };
}

/** Runs `work` holding the incident's lock, as deliveries do: one writer of the channel at a time. */
export async function underIncidentLock<T>(rt: ChatopsRuntime, subject: ActionSubject, work: (target: IncidentTarget) => Promise<T>): Promise<T> {
  const config = await configFor(rt, subject);
  return rt.store.withLock(lockKey(config, subject.incidentId), `incident ${subject.incidentId}`, rt.deadline, async () => work(await loadTarget(rt, subject)));
}

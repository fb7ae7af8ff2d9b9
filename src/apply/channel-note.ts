import type { ServerChannel } from '@mattermost/types/channels';
import type { ChannelState } from '../decide/channel-state';
import { withRecord } from '../decide/ledger';
import { type Ledger, PROPS_KEY, type TimelineRecord } from '../incident/timeline-record';
import type { Runtime } from './runtime';

/**
 * A post in the incident channel that records something the tool did from Mattermost (a Jira issue filed, a
 * silence made), carrying the ledger with what it adds, so the next reader of the channel knows it.
 */
export async function postLinked(rt: Runtime, channel: ServerChannel, state: ChannelState, note: { id: string; message: string; actor?: string; ledger: Partial<Ledger> }): Promise<void> {
  const record: TimelineRecord = { v: 2, incident_id: state.incidentId ?? '', event_id: note.id, action: 'linked', occurred_at: new Date(rt.now()).toISOString(), actor: note.actor };
  const ledger = { ...withRecord(state.ledger, record), ...note.ledger };
  await rt.client.createPost({ channel_id: channel.id, message: note.message, props: { [PROPS_KEY]: { ...record, ledger } } });
}

/** planEvent as a table: channel state × event → plan, in process. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type ChannelState, stateFromRecords } from '../../src/decide/channel-state';
import { type ChannelFacts, type Plan, planEvent, planForNewChannel } from '../../src/decide/plan-event';
import type { IncidentEvent, IncidentStatus, StatusAction } from '../../src/incident/incident-event';
import type { TimelineRecord } from '../../src/incident/timeline-record';
import { channelHeader } from '../../src/render/incident-text';

const INCIDENT = { id: 'P1', number: 7, title: 'Disk full', assignees: [], acknowledgers: [] };

function status(action: StatusAction, at: string, eventId = `${action}@${at}`, reported?: IncidentStatus): IncidentEvent {
  return { kind: 'status', source: 'pagerduty', action, eventType: action, eventId, occurredAt: `2026-03-02T${at}:00.000Z`, incident: { ...INCIDENT, status: reported } };
}

function note(at: string): IncidentEvent {
  return { kind: 'note', source: 'pagerduty', action: 'annotated', eventType: 'incident.annotated', eventId: `note@${at}`, occurredAt: `2026-03-02T${at}:00.000Z`, incident: { id: 'P1' }, text: 'hi' };
}

function responder(at: string): IncidentEvent {
  return {
    kind: 'responder',
    source: 'pagerduty',
    action: 'responder_added',
    eventType: 'incident.responder.added',
    eventId: `responder@${at}`,
    occurredAt: `2026-03-02T${at}:00.000Z`,
    incident: { id: 'P1' },
    responder: { kind: 'user', name: 'Grace' },
  };
}

function record(action: TimelineRecord['action'], at: string, statusAfter?: IncidentStatus, eventId = `${action}@${at}`): TimelineRecord {
  return { v: 1, incident_id: 'P1', event_id: eventId, action, status: statusAfter, occurred_at: `2026-03-02T${at}:00.000Z` };
}

const state = (...records: TimelineRecord[]): ChannelState => stateFromRecords(records);
const open: ChannelFacts = { createdNow: false, archived: false, header: '' };
const created: ChannelFacts = { createdNow: true, archived: false, header: '' };
const archived: ChannelFacts = { createdNow: false, archived: true, header: '' };

const triggered = record('triggered', '09:00', 'triggered');
const acknowledged = record('acknowledged', '09:10', 'acknowledged');
const resolved = record('resolved', '10:00', 'resolved');
const closed = record('closed', '10:00', undefined, 'resolved@10:00');

type Expect = Partial<Record<keyof Extract<Plan, { kind: 'apply' }>, unknown>> & { kind: Plan['kind'] };

const TABLE: [string, IncidentEvent, ChannelState | undefined, ChannelFacts, Expect][] = [
  ['a trigger that created the channel: opening post, invitations, no header write', status('triggered', '09:00'), undefined, created, { kind: 'apply', opening: true, header: undefined, invite: true, responders: true, resolve: false }],
  ['a resolve that created the channel: opening post, announce, nobody invited', status('resolved', '10:00'), undefined, created, { kind: 'apply', opening: true, invite: false, resolve: true }],
  ['a channel whose opening never got posted: opening post and a header write', status('acknowledged', '09:10'), state(), open, { kind: 'apply', opening: true, header: 'header', invite: true }],
  ['a newer acknowledge: header and a timeline post', status('acknowledged', '09:10'), state(triggered), open, { kind: 'apply', opening: false, header: 'header', invite: false, resolve: false, reopen: false }],
  ['an older acknowledge after the resolve: recorded only, header kept', status('acknowledged', '09:10'), state(triggered, resolved), open, { kind: 'apply', header: undefined, resolve: false, reopen: false }],
  ['a newer resolve: header and the announcement', status('resolved', '10:00'), state(triggered, acknowledged), open, { kind: 'apply', header: 'header', resolve: true, responders: false }],
  ['a trigger after the resolution reopens: people back', status('triggered', '10:30'), state(triggered, resolved, closed), open, { kind: 'apply', header: 'header', invite: true, reopen: true, responders: true }],
  ['a reassignment after the resolution: no reopening', status('assigned', '10:30', undefined, 'resolved'), state(triggered, resolved, closed), open, { kind: 'apply', reopen: false, invite: false, responders: false }],
  ['a trigger of an incident already open: the status shown stays', status('triggered', '09:20'), state(triggered, acknowledged), open, { kind: 'apply', header: 'header', status: 'acknowledged', invite: false, reopen: false, meaning: undefined }],
  ['an Opsgenie Create again (a team added): the status stays, told as what it means', { ...status('triggered', '09:20'), whenOpen: 'team_added' } as IncidentEvent, state(triggered, acknowledged), open, { kind: 'apply', status: 'acknowledged', meaning: 'team_added', reopen: false }],
  ['a note: timeline only', note('09:20'), state(triggered), open, { kind: 'apply', header: undefined, invite: false, responders: false }],
  ['a responder while live: brought in', responder('09:20'), state(triggered), open, { kind: 'apply', responders: true, header: undefined }],
  ['a responder after the resolution: not brought in', responder('10:30'), state(triggered, resolved), open, { kind: 'apply', responders: false }],
  ['the same event again: duplicate', status('acknowledged', '09:10'), state(triggered, acknowledged), open, { kind: 'duplicate' }],
  ['a resolve recorded but not closed: finish closing', status('resolved', '10:00'), state(triggered, resolved), open, { kind: 'finish-resolve' }],
  ['a resolve recorded and closed: duplicate', status('resolved', '10:00'), state(triggered, resolved, closed), open, { kind: 'duplicate' }],
  ['archived, an older event: history not recorded', status('acknowledged', '09:10'), state(triggered, resolved, closed), archived, { kind: 'archived-history' }],
  ['archived, a note: history not recorded', note('10:30'), state(triggered, resolved, closed), archived, { kind: 'archived-history' }],
  ['archived, a reopening trigger: restore or a new channel', status('triggered', '10:30'), state(triggered, resolved, closed), archived, { kind: 'reopen-archived', reopen: true, invite: true }],
];

describe('planEvent', () => {
  for (const [name, event, channelState, facts, expected] of TABLE) {
    test(name, () => {
      const plan = planEvent(event, channelState, facts) as Record<string, unknown>;
      for (const [key, value] of Object.entries(expected)) {
        if (value === 'header') assert.equal(typeof plan[key], 'string', `${key} is a header to write`);
        else assert.deepEqual(plan[key], value, key);
      }
    });
  }

  test('every plan kind is covered by the table', () => {
    const kinds = new Set(TABLE.map(([, event, s, facts]) => planEvent(event, s, facts).kind));
    assert.deepEqual([...kinds].sort(), ['apply', 'archived-history', 'duplicate', 'finish-resolve', 'reopen-archived']);
  });

  test('a duplicate whose header write failed gets the header repaired; a right header is left alone', () => {
    const event = status('acknowledged', '09:10', 'acknowledged@09:10', 'acknowledged');
    const expected = channelHeader(event.kind === 'status' ? event.incident : INCIDENT, 'acknowledged', event.occurredAt);
    assert.deepEqual(planEvent(event, state(triggered, acknowledged), { ...open, header: 'stale' }), { kind: 'duplicate', repairHeader: expected });
    assert.deepEqual(planEvent(event, state(triggered, acknowledged), { ...open, header: expected }), { kind: 'duplicate' });
    assert.deepEqual(planEvent(event, state(triggered, acknowledged), { ...archived, header: 'stale' }), { kind: 'duplicate' }, 'an archived channel is not written');
  });

  test('the header is that of the status after the event, at its time', () => {
    const plan = planEvent(status('acknowledged', '09:10'), state(triggered), open);
    assert.equal(plan.kind, 'apply');
    assert.match(plan.kind === 'apply' ? plan.header ?? '' : '', /Acknowledged[\s\S]*2026-03-02 09:10:00 UTC/);
  });

  test('a new channel for a reopened incident: opening post, everyone invited, header set at creation', () => {
    const plan = planEvent(status('triggered', '10:30'), state(triggered, resolved, closed), archived);
    assert.equal(plan.kind, 'reopen-archived');
    if (plan.kind !== 'reopen-archived') return;
    assert.deepEqual(planForNewChannel(plan), { ...plan, opening: true, header: undefined, invite: true, responders: true });
  });
});

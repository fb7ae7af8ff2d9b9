import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { PayloadError } from '../../src/errors';
import type { IncidentEvent, ParsedMessage } from '../../src/incident/incident-event';
import { decodeJsonBody } from '../../src/sources/decode-json';
import { parsePagerDuty } from '../../src/sources/pagerduty/parse-pagerduty';
import { sharedJsonFiles, sharedPath, skipUnlessShared } from '../helpers/shared';
import { ROOT } from '../helpers/world';

const SHARED_PAYLOADS = sharedPath('pagerduty-payloads');
const skipShared = skipUnlessShared('pagerduty-payloads');

const decodeBody = (raw: Buffer) => decodeJsonBody(raw, 1024 * 1024, 'test');
const parseDelivery = (body: unknown) => ({ messages: parsePagerDuty(body) });

function parseFile(path: string) {
  return parseDelivery(decodeBody(readFileSync(path)));
}


function only(messages: readonly ParsedMessage[]): IncidentEvent {
  assert.equal(messages.length, 1);
  const [m] = messages;
  assert.notEqual(m.kind, 'ignored');
  return m as IncidentEvent;
}

describe('every real PagerDuty sample parses', { skip: skipShared }, () => {
  // The data_types files hold only an event's `data` and the signature file a bare body: not deliveries.
  const notDeliveries = (p: string) => p.includes('/data_types/') || p.endsWith('-vector.json') || p.endsWith('generated-vectors.json');
  for (const path of sharedJsonFiles('pagerduty-payloads').filter((p) => !notDeliveries(p))) {
    test(relative(SHARED_PAYLOADS, path), () => {
      const delivery = parseFile(path);
      assert.ok(delivery.messages.length >= 1);
      for (const message of delivery.messages) {
        if (message.kind === 'ignored') continue;
        assert.match(message.incident.id, /^[A-Z0-9]+$/);
        assert.ok(!Number.isNaN(Date.parse(message.occurredAt)));
        assert.ok(message.eventId.length > 0);
      }
    });
  }
  for (const path of sharedJsonFiles('pagerduty-payloads', 'v3', 'data_types')) {
    test(`${relative(SHARED_PAYLOADS, path)} (bare data, not a delivery) is refused cleanly`, () => {
      assert.throws(() => parseFile(path), PayloadError);
    });
  }
});

describe('the real samples map to the incident event', { skip: skipShared }, () => {
  const table: [string, string, Partial<Record<string, unknown>>][] = [
    ['v2/trigger.json', 'triggered', { id: 'PRORDTY', number: 33, title: 'My new incident', status: 'triggered', urgency: 'high', createdAt: '2017-09-26T15:14:36.000Z' }],
    ['v2/acknowledge.json', 'acknowledged', { status: 'acknowledged' }],
    ['v2/resolve.json', 'resolved', { status: 'resolved', lastStatusChangeAt: '2017-09-26T15:18:09.000Z' }],
    ['v2/assign.json', 'assigned', { status: 'triggered' }],
    ['v1/trigger.json', 'triggered', { id: 'PRORDTY', number: 2126, title: 'CPU Load High on xdb_production_echo', createdAt: '2016-02-22T21:02:55.000Z' }],
    ['v1/escalate.json', 'escalated', { status: 'triggered' }],
    ['v1/delegate.json', 'delegated', {}],
    ['v1/unacknowledge.json', 'unacknowledged', { status: 'triggered' }],
    ['v1/resolve_auto_api_trigger_unicode.zulip.json', 'resolved', { title: 'mp_error_block_down_criticalℙƴ' }],
    ['v3/triggered.json', 'triggered', { id: 'PFQZPSY', number: 9, title: 'Test Incident 3', status: 'triggered' }],
    ['v3/reopened.json', 'reopened', { status: 'triggered', priority: 'P3' }],
    ['v3/escalated.json', 'escalated', { priority: 'P1', createdAt: '2026-04-01T02:07:30.000Z' }],
    ['v3/priority_updated.json', 'priority_updated', { priority: 'P2' }],
    ['v3/reassigned.json', 'assigned', {}],
    ['v3/delegated.json', 'delegated', {}],
  ];
  for (const [file, action, fields] of table) {
    test(`${file} → ${action}`, () => {
      const event = only(parseFile(join(SHARED_PAYLOADS, file)).messages);
      assert.equal(event.kind, 'status');
      assert.equal(event.action, action);
      for (const [key, value] of Object.entries(fields)) assert.deepEqual((event.incident as any)[key], value, key);
    });
  }

  test('V1 title falls back to the number when trigger_summary_data is null', () => {
    const delivery = parseFile(join(SHARED_PAYLOADS, 'v1/acknowledge_null_trigger_summary_data.zulip.json'));
    assert.equal(delivery.messages.length, 2);
    for (const m of delivery.messages) assert.equal((m as IncidentEvent).incident.title, '#1');
  });

  test('a V1 batch keeps its order', () => {
    const delivery = parseFile(join(SHARED_PAYLOADS, 'v1/assign_and_acknowledge_batch.zulip.json'));
    assert.deepEqual(delivery.messages.map((m) => (m as IncidentEvent).action), ['assigned', 'acknowledged']);
  });

  test('V1 carries e-mail addresses, V2 and V3 only ids and names', () => {
    const v1 = only(parseFile(join(SHARED_PAYLOADS, 'v1/trigger.json')).messages);
    assert.equal(v1.kind === 'status' && v1.incident.assignees[0].email, 'laura.haley@example.com');
    const v2 = only(parseFile(join(SHARED_PAYLOADS, 'v2/trigger.json')).messages);
    assert.deepEqual(v2.kind === 'status' && v2.incident.assignees[0], { kind: 'user', name: 'Laura Haley', id: 'P553OPV', email: undefined });
  });

  test('V1 auto-resolve has no agent', () => {
    const event = only(parseFile(join(SHARED_PAYLOADS, 'v1/resolve_auto.zulip.json')).messages);
    assert.equal(event.agent, undefined);
  });

  test('V3 notes and responders keep the incident reference', () => {
    const note = only(parseFile(join(SHARED_PAYLOADS, 'v3/annotated.json')).messages);
    assert.equal(note.kind, 'note');
    assert.equal(note.incident.id, 'Q3B15VLMF3ASBD');
    assert.match(note.kind === 'note' ? note.text : '', /KILL on long-running queries/);
    const responder = only(parseFile(join(SHARED_PAYLOADS, 'v3/responder_added.json')).messages);
    assert.equal(responder.kind === 'responder' && responder.responder.id, 'PXRUEF2');
  });

  test('pings, service events and workflow events are ignored, not refused', () => {
    for (const file of ['v3/pagey_ping.json', 'v3/service_updated.docs.json', 'v3/workflow_started.json', 'v3/workflow_completed_agent_null.json']) {
      const delivery = parseFile(join(SHARED_PAYLOADS, file));
      assert.equal(delivery.messages[0].kind, 'ignored', file);
    }
  });
});

describe("the project's own test_data", () => {
  const own = (file: string) => only(parseFile(join(ROOT, 'test_data', file)).messages);
  const expected: Record<string, string> = {
    'incident.trigger.json': 'triggered',
    'incident.acknowledge.json': 'acknowledged',
    'incident.assign.json': 'assigned',
    'incident.resolve.json': 'resolved',
    'v1/incident.trigger.json': 'triggered',
    'v1/incident.acknowledge.json': 'acknowledged',
    'v1/incident.assign.json': 'assigned',
    'v1/incident.escalate.json': 'escalated',
    'v1/incident.delegate.json': 'delegated',
    'v1/incident.resolve.json': 'resolved',
    'v3/incident.triggered.json': 'triggered',
    'v3/incident.acknowledged.json': 'acknowledged',
    'v3/incident.reassigned.json': 'assigned',
    'v3/incident.escalated.json': 'escalated',
    'v3/incident.delegated.json': 'delegated',
    'v3/incident.priority_updated.json': 'priority_updated',
    'v3/incident.reopened.json': 'reopened',
    'v3/incident.resolved.json': 'resolved',
    'v3/incident.annotated.json': 'annotated',
    'v3/incident.status_update_published.json': 'status_update_published',
    'v3/incident.conference_bridge.updated.json': 'conference_bridge_updated',
    'v3/incident.responder.added.json': 'responder_added',
  };
  for (const [file, action] of Object.entries(expected)) {
    test(file, () => {
      const event = own(file);
      assert.equal(event.action, action);
      assert.equal(event.incident.id, 'PT4KHLK');
    });
  }

  test('V1, V2 and V3 of one trigger give the same incident', () => {
    const [v1, v2, v3] = ['v1/incident.trigger.json', 'incident.trigger.json', 'v3/incident.triggered.json'].map(own);
    for (const event of [v1, v2, v3]) {
      assert.equal(event.kind, 'status');
      if (event.kind !== 'status') continue;
      assert.deepEqual(
        { id: event.incident.id, number: event.incident.number, title: event.incident.title, status: event.incident.status, urgency: event.incident.urgency, createdAt: event.incident.createdAt },
        { id: 'PT4KHLK', number: 1042, title: 'Checkout API latency above 2 s', status: 'triggered', urgency: 'high', createdAt: '2026-03-02T09:15:00.000Z' },
      );
      assert.equal(event.incident.assignees[0].id, 'PUSR0AD');
    }
    assert.equal(v1.kind === 'status' && v1.incident.assignees[0].email, 'ada@example.com', 'only V1 carries e-mail addresses');
    assert.equal(v2.kind === 'status' && v2.incident.assignees[0].email, undefined);
  });

  test('notes and responders keep the incident reference', () => {
    const note = own('v3/incident.annotated.json');
    assert.equal(note.kind === 'note' && note.text, 'Running KILL on long-running queries; replica lag is 40 s');
    const responder = own('v3/incident.responder.added.json');
    assert.equal(responder.kind === 'responder' && responder.responder.id, 'PUSR0KJ');
    assert.equal(responder.kind === 'responder' && responder.state, 'pending');
  });

  test('a V1 batch is applied in order', () => {
    const delivery = parseFile(join(ROOT, 'test_data', 'v1', 'incident.assign_and_acknowledge.json'));
    assert.deepEqual(delivery.messages.map((m) => (m as IncidentEvent).action), ['assigned', 'acknowledged']);
  });

  test('escalated with no agent (automation)', () => {
    assert.equal(own('v3/incident.escalated.json').agent, undefined);
  });
});

describe('broken bodies are one-line PayloadErrors', () => {
  const cases: [string, string, RegExp][] = [
    ['empty', '', /empty/],
    ['not JSON', '{"messages": [', /not valid JSON/],
    ['a number', '42', /must be a JSON object/],
    ['messages not a list', '{"messages": {}}', /messages: must be a list/],
    ['V2 without incident id', '{"messages":[{"event":"incident.trigger","incident":{"status":"triggered"},"created_on":"2020-01-01T00:00:00Z"}]}', /messages\[0\]\.incident\.id: required/],
    ['V3 with a wrong-typed title', '{"event":{"event_type":"incident.triggered","occurred_at":"2020-01-01T00:00:00Z","data":{"type":"incident","id":"P1","title":5}}}', /event\.data\.title: must be a string/],
    ['V3 whose data is not an incident', '{"event":{"event_type":"incident.triggered","occurred_at":"2020-01-01T00:00:00Z","data":{"type":"service","id":"P1"}}}', /needs "incident"/],
    ['bad time', '{"event":{"event_type":"incident.triggered","occurred_at":"yesterday","data":{"type":"incident","id":"P1"}}}', /not an ISO 8601 time/],
  ];
  for (const [name, body, message] of cases) {
    test(name, () => {
      assert.throws(() => parseDelivery(decodeBody(Buffer.from(body))), (error: unknown) => error instanceof PayloadError && message.test(error.message) && !error.message.includes('\n'));
    });
  }
  test('invalid UTF-8', () => {
    assert.throws(() => decodeBody(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), /not valid UTF-8/);
  });
});

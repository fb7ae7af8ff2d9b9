/** The text the tool writes: header, display name, timeline lines, the announcement. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IncidentDetails, IncidentEvent } from '../../src/incident/incident-event';
import { resolutionAnnouncement } from '../../src/render/announcement';
import { formatDuration, formatTime } from '../../src/render/format-time';
import { channelHeader, displayName, purpose } from '../../src/render/incident-text';
import { incidentAttachment } from '../../src/render/opening-post';
import { timelineLine } from '../../src/render/timeline';

const incident: IncidentDetails = {
  id: 'PT4KHLK',
  number: 1042,
  title: 'Checkout API latency above 2 s',
  status: 'triggered',
  htmlUrl: 'https://acme.pagerduty.com/incidents/PT4KHLK',
  urgency: 'high',
  priority: 'P1',
  service: { name: 'Checkout API', htmlUrl: 'https://acme.pagerduty.com/services/PSVC001' },
  createdAt: '2026-03-02T09:15:00.000Z',
  assignees: [{ kind: 'user', name: 'Ada Lovelace', id: 'PUSR0AD' }],
  acknowledgers: [],
};

const runes = (s: string) => Array.from(s).length;

describe('the channel header', () => {
  test('status, link, title, then the facts', () => {
    assert.equal(
      channelHeader(incident, 'acknowledged', '2026-03-02T09:17:30.000Z'),
      '🟠 **Acknowledged** · [Incident #1042 (PT4KHLK)](https://acme.pagerduty.com/incidents/PT4KHLK) · Checkout API latency above 2 s\n' +
        '**Urgency:** high · **Priority:** P1 · **Service:** [Checkout API](https://acme.pagerduty.com/services/PSVC001) · **Created:** 2026-03-02 09:15:00 UTC · **Last update:** 2026-03-02 09:17:30 UTC',
    );
  });

  test('a 5000-character title still fits 1024 runes, with the title shortened', () => {
    const header = channelHeader({ ...incident, title: 'x'.repeat(5000) }, 'triggered', '2026-03-02T09:15:00.000Z');
    assert.ok(runes(header) <= 1024);
    assert.match(header, /Last update/);
  });
});

describe('names and lines', () => {
  test('display name within 64 runes; purpose marks the channel', () => {
    assert.equal(displayName(incident), '#1042 Checkout API latency above 2 s');
    assert.ok(runes(displayName({ ...incident, title: 'é'.repeat(200) })) <= 64);
    assert.match(purpose({ id: 'PT4KHLK' }, 'incident-pt4khlk'), /reopened from ~incident-pt4khlk · managed by mattermost-incident/);
  });

  test('a timeline line says what, by whom, when', () => {
    const event: IncidentEvent = { kind: 'status', source: 'pagerduty', action: 'escalated', eventType: 'incident.escalated', eventId: 'e1', occurredAt: '2026-03-02T09:25:00.000Z', incident, agent: { kind: 'user', name: 'Grace Hopper' } };
    assert.equal(timelineLine(event, ['Added to the channel: ada.']), '🔴 **Escalated** to Ada Lovelace by Grace Hopper · 2026-03-02 09:25:00 UTC\nAdded to the channel: ada.');
  });

  test('a trigger that means something else here is told as that, without the status colour', () => {
    const event: IncidentEvent = { kind: 'status', source: 'opsgenie', action: 'triggered', eventType: 'opsgenie.Create', eventId: 'e2', occurredAt: '2026-03-02T09:30:00.000Z', incident, agent: { kind: 'user', name: 'System' } };
    assert.equal(timelineLine(event, [], undefined, 'team_added'), '📝 **Team added** by System · 2026-03-02 09:30:00 UTC');
  });

  test('the opening attachment carries status colour and fields', () => {
    const attachment = incidentAttachment(incident, 'triggered');
    assert.equal(attachment.color, '#d0021b');
    assert.deepEqual(attachment.fields?.map((f) => f.title), ['Status', 'Urgency', 'Priority', 'Service', 'Assigned to']);
  });

  test('times in UTC, durations in words', () => {
    assert.equal(formatTime('2026-03-02T09:15:00.000Z'), '2026-03-02 09:15:00 UTC');
    assert.deepEqual([3598, 3600, 86400, 90061, 0].map((s) => formatDuration(s * 1000)), ['59 min 58 s', '1 h', '1 d', '1 d 1 h 1 min 1 s', '0 s']);
  });
});

describe('the announcement', () => {
  test('the first lines are what notifications show; the figures are fields', () => {
    const stats = { resolvedAt: '2026-03-02T10:15:00.000Z', triggeredAt: '2026-03-02T09:15:00.000Z', timeToAcknowledgeMs: 150_000, timeToResolveMs: 3_600_000, acknowledgedBy: 'Ada Lovelace', resolvedBy: 'Ada Lovelace', reassignments: 1, escalations: 0, participants: [{ name: 'Alice Tester', messages: 2 }], messages: 2, files: 1 };
    const { message, attachment } = resolutionAnnouncement({ incident, channelName: 'incident-pt4khlk', stats, transcriptNote: 'The transcript is attached.' });
    assert.equal(message.split('\n')[0], '#### 🟢 [Incident #1042 (PT4KHLK) Checkout API latency above 2 s](https://acme.pagerduty.com/incidents/PT4KHLK) has been resolved');
    assert.match(message, /\*\*Resolution time:\*\* 1 h\n\*\*Resolved by:\*\* Ada Lovelace\n\*\*Channel:\*\* ~incident-pt4khlk\nThe transcript is attached\./);
    const fields = Object.fromEntries((attachment.fields ?? []).map((f) => [f.title, f.value]));
    assert.equal(fields['Time to acknowledge'], '2 min 30 s');
    assert.equal(fields['Participants (1)'], 'Alice Tester (2)');
  });
});

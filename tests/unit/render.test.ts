/** The text the tool writes: header, display name, timeline lines, the announcement. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { unzipSync } from 'fflate';
import type { IncidentDetails, IncidentEvent } from '../../src/incident/incident-event';
import { resolutionAnnouncement } from '../../src/render/announcement';
import { formatDuration, formatTime } from '../../src/render/format-time';
import { channelHeader, displayName, purpose } from '../../src/render/incident-text';
import { incidentAttachment } from '../../src/render/opening-post';
import { timelineLine } from '../../src/render/timeline';
import { zipEntries } from '../../src/render/transcript';

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

describe('the transcript archive', () => {
  test('the text is compressed, the shared files copied as they are, and everything comes back intact', () => {
    const text = new TextEncoder().encode('- 09:20 **alice**: replica lag is 40 s\n'.repeat(200));
    const picture = new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 37) % 256));
    const zip = zipEntries({ 'transcript.md': text, 'transcript.json': new Uint8Array(0), 'files/f1/graph.png': picture }, new Date('2026-03-02T10:15:00Z'));
    const back = unzipSync(zip);
    assert.deepEqual(Object.keys(back).sort(), ['files/f1/graph.png', 'transcript.json', 'transcript.md']);
    assert.deepEqual(back['transcript.md'], text);
    assert.deepEqual(back['files/f1/graph.png'], picture);
    assert.equal(back['transcript.json'].length, 0);
    assert.ok(zip.length < text.length / 5, 'the transcript text is compressed');
    // Each entry's method and sizes, from its central directory record (signature 50 4b 01 02).
    const entries: Record<string, { method: number; compressed: number; size: number }> = {};
    const view = Buffer.from(zip);
    for (let at = view.indexOf('PK\x01\x02', 0, 'latin1'); at >= 0; at = view.indexOf('PK\x01\x02', at + 4, 'latin1')) {
      const nameLength = view.readUInt16LE(at + 28);
      entries[view.toString('utf8', at + 46, at + 46 + nameLength)] = { method: view.readUInt16LE(at + 10), compressed: view.readUInt32LE(at + 20), size: view.readUInt32LE(at + 24) };
    }
    // Deflate for every entry (streaming readers take sizes after the data only for deflate), the file's bytes
    // copied into stored blocks: a few bytes of framing, no compression work.
    assert.deepEqual(Object.values(entries).map((e) => e.method), [8, 8, 8]);
    const file = entries['files/f1/graph.png'];
    assert.equal(file.size, picture.length);
    assert.ok(file.compressed > file.size && file.compressed <= file.size + 10, `stored blocks: ${file.compressed} bytes for ${file.size}`);
  });
});

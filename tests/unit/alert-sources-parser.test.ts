/** Every real Alertmanager, Grafana and Opsgenie sample in ../shared/alert-payloads parses, in process. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, test } from 'node:test';
import { validateConfig } from '../../src/config/validate-config';
import { PayloadError } from '../../src/errors';
import { type IncidentEvent, type ParsedMessage, statusAfter } from '../../src/incident/incident-event';
import { decodeJsonBody } from '../../src/sources/decode-json';
import { sourceFor } from '../../src/sources/registry';
import type { SourceId } from '../../src/sources/source';
import { sharedJsonFiles, skipUnlessShared } from '../helpers/shared';

const { config } = validateConfig({ mattermost_api: { url: 'https://chat.example.com', token: 'tok-123456' }, notification_settings: { team_name: 'ops', alert_users: ['alice'] } }, {}, 'conf.yaml');
const receivedAt = '2026-03-02T09:15:00.000Z';

function parseSample(id: SourceId, path: string): readonly ParsedMessage[] {
  const source = sourceFor(id);
  const raw = readFileSync(path);
  const body = source.decode ? source.decode(raw) : decodeJsonBody(raw, source.maxBodyBytes, basename(path));
  return source.parse(body, config, { receivedAt });
}

/** The group's status as the sender wrote it. */
function groupStatus(path: string): unknown {
  return (JSON.parse(readFileSync(path, 'utf8')) as { status?: unknown }).status;
}

function only(messages: readonly ParsedMessage[]): IncidentEvent {
  assert.equal(messages.length, 1);
  assert.notEqual(messages[0].kind, 'ignored');
  return messages[0] as IncidentEvent;
}

describe('every real Alertmanager sample parses into one alert-group event', { skip: skipUnlessShared('alert-payloads') }, () => {
  for (const path of sharedJsonFiles('alert-payloads', 'alertmanager')) {
    test(basename(path), () => {
      const event = only(parseSample('alertmanager', path));
      assert.equal(event.kind, 'alerts');
      if (event.kind !== 'alerts') return;
      assert.ok(event.alerts.length >= 1);
      assert.match(event.incident.id, /^am-[0-9a-f]+$/);
      assert.equal(event.action, groupStatus(path) === 'resolved' ? 'group_resolved' : 'group_firing');
      assert.match(event.eventId, /^am:[0-9a-f]{32}$/, 'a content hash: Alertmanager sends no id');
      assert.ok(event.incident.title.length > 0);
    });
  }
});

describe('every real Grafana sample parses, is ignored as a test, or is refused as the legacy format', { skip: skipUnlessShared('alert-payloads') }, () => {
  for (const path of sharedJsonFiles('alert-payloads', 'grafana')) {
    const name = basename(path);
    test(name, () => {
      if (name.startsWith('zulip-legacy-')) {
        assert.throws(() => parseSample('grafana', path), (e: unknown) => e instanceof PayloadError && /legacy/i.test(e.message));
        return;
      }
      const messages = parseSample('grafana', path);
      if (name.includes('test-notification')) {
        assert.equal(messages.length, 1);
        assert.equal(messages[0].kind, 'ignored');
        return;
      }
      const event = only(messages);
      assert.equal(event.kind, 'alerts');
      if (event.kind !== 'alerts') return;
      assert.match(event.incident.id, /^grafana-[0-9a-f]+$/);
      assert.ok(event.alerts.length >= 1);
      assert.equal(event.action, groupStatus(path) === 'resolved' ? 'group_resolved' : 'group_firing');
      if (name.includes('values-image')) {
        assert.match(event.incident.imageUrl ?? '', /^https:\/\//);
        assert.match(event.incident.details?.find((d) => d.title === 'Values')?.value ?? '', /A=2473545728/);
        assert.deepEqual(event.incident.links?.map((l) => l.label).slice(0, 3), ['Dashboard', 'Panel', 'Silence']);
      }
      if (name.includes('part-resolved')) assert.ok(event.alerts.some((a) => a.status === 'resolved') && event.alerts.some((a) => a.status === 'firing'));
    });
  }
});

const OPSGENIE: Record<string, { kind: IncidentEvent['kind']; action: string }> = {
  'zulip-create.json': { kind: 'status', action: 'triggered' },
  'zulip-acknowledge.json': { kind: 'status', action: 'acknowledged' },
  'zulip-unacknowledge.json': { kind: 'status', action: 'unacknowledged' },
  'zulip-close.json': { kind: 'status', action: 'resolved' },
  'zulip-delete.json': { kind: 'status', action: 'resolved' },
  'zulip-assignownership.json': { kind: 'status', action: 'assigned' },
  'zulip-takeownership.json': { kind: 'status', action: 'assigned' },
  'zulip-addnote.json': { kind: 'note', action: 'annotated' },
  'zulip-addrecipient.json': { kind: 'responder', action: 'responder_added' },
  'zulip-addteam.json': { kind: 'note', action: 'team_added' },
  'zulip-addtags.json': { kind: 'note', action: 'tags_changed' },
  'zulip-removetags.json': { kind: 'note', action: 'tags_changed' },
  'zulip-customaction.json': { kind: 'note', action: 'custom_action' },
};

describe('every real Opsgenie sample parses into the event its action means', { skip: skipUnlessShared('alert-payloads') }, () => {
  for (const path of sharedJsonFiles('alert-payloads', 'opsgenie')) {
    const name = basename(path);
    test(name, () => {
      const event = only(parseSample('opsgenie', path));
      assert.match(event.incident.id, /^og-[0-9a-f]+$/);
      assert.ok(!Number.isNaN(Date.parse(event.occurredAt)));
      const expected = OPSGENIE[name];
      if (expected) assert.deepEqual({ kind: event.kind, action: event.action }, expected);
      if (name === 'zulip-unacknowledge.json') assert.equal(statusAfter(event), 'triggered');
      if (name === 'zulip-close.json' || name === 'zulip-delete.json') assert.equal(statusAfter(event), 'resolved');
      else assert.notEqual(event.kind, undefined, `${name}: no expectation written; it parsed as ${event.kind}/${event.action}`);
    });
  }
});

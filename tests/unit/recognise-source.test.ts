/** `check --route FILE` without --source tells each sender's deliveries apart by their shape. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { recogniseSource } from '../../src/sources/recognise-source';
import type { SourceId } from '../../src/sources/source';
import { ROOT } from '../helpers/world';
import { sharedJsonFiles, skipUnlessShared } from '../helpers/shared';

const own = (folder: string) => readdirSync(join(ROOT, 'test_data', folder)).filter((f) => f.endsWith('.json')).map((f) => join(ROOT, 'test_data', folder, f));
const ownPagerDuty = [...readdirSync(join(ROOT, 'test_data')).filter((f) => f.endsWith('.json')).map((f) => join(ROOT, 'test_data', f)), ...own('v1'), ...own('v3')];

function expectEach(paths: string[], source: SourceId) {
  assert.ok(paths.length > 0);
  for (const path of paths) assert.equal(recogniseSource(readFileSync(path)), source, relative(ROOT, path));
}

describe('recogniseSource', () => {
  test("the project's own samples: each folder's sender", () => {
    expectEach(ownPagerDuty, 'pagerduty');
    for (const source of ['alertmanager', 'grafana', 'opsgenie'] as const) expectEach(own(source), source);
  });

  test('the real public samples of every sender', { skip: skipUnlessShared('alert-payloads') }, () => {
    for (const source of ['alertmanager', 'grafana', 'opsgenie'] as const) expectEach(sharedJsonFiles('alert-payloads', source), source);
    const deliveries = sharedJsonFiles('pagerduty-payloads').filter((p) => !p.includes('data_types') && !p.includes('signature'));
    expectEach(deliveries, 'pagerduty');
  });

  test('what is no delivery of any sender is not recognised', () => {
    for (const body of ['', 'not json', '[]', '42', '{}', '{"version":"4"}', '{"alert":"x","action":"Create"}', '{"event":{}}']) assert.equal(recogniseSource(Buffer.from(body)), undefined, body);
  });
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { sharedPath, skipUnlessShared } from './helpers/shared';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const derive = require('../scripts/derive-mattermost-schema.cjs') as { deriveSchema(spec: unknown): string; OUTPUT: string; OPERATIONS: [string, string][] };

describe('the fake Mattermost', () => {
  test('its schema is what the script derives from the official spec', { skip: skipUnlessShared('mattermost-openapi/mattermost-v4.json') }, () => {
    const spec = JSON.parse(readFileSync(sharedPath('mattermost-openapi', 'mattermost-v4.json'), 'utf8'));
    const committed = readFileSync(derive.OUTPUT, 'utf8');
    assert.ok(committed === derive.deriveSchema(spec), 'tests/fake/mattermost-schema.json is stale: run node scripts/derive-mattermost-schema.cjs');
  });

  test('the schema names its source and holds exactly the operations the fake serves', () => {
    const schema = JSON.parse(readFileSync(derive.OUTPUT, 'utf8'));
    assert.equal(Object.keys(schema)[0], 'x-derived-from');
    assert.match(schema['x-derived-from'].commit, /^[0-9a-f]{40}$/);
    assert.equal(schema['x-derived-from'].version, '4.0.0');
    const served = Object.entries<Record<string, unknown>>(schema.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    assert.deepEqual(served.sort(), derive.OPERATIONS.map(([m, p]) => `${m} ${p}`).sort());
    assert.doesNotMatch(JSON.stringify(schema), /"(description|example|summary)":/);
  });
});

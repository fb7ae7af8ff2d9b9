import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

describe('the fake Mattermost', () => {
  test('every operation it implements is in the official spec, under the same operation id', async () => {
    const { IMPLEMENTED, SpecValidator } = await import('./fake/spec-validator');
    const spec = new SpecValidator();
    for (const [method, template, operationId] of IMPLEMENTED) {
      const found = spec.operations.find((op) => op.method === method && op.template === template);
      assert.equal(found?.operationId, operationId, `${method} ${template}`);
    }
  });
});

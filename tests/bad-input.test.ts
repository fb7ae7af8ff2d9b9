/** Every hostile or broken body: exit 2 (or 0 where ignoring is right), one clear line, no stack, no write. */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, type World, startWorld, testData } from './helpers/world';

const BAD = join(ROOT, 'test_data', 'bad');
// PagerDuty disables endpoints that refuse these, so they are acknowledged and ignored.
const IGNORABLE = new Set(['pagey-ping.json', 'v3-unknown-event-type.json', 'v2-unknown-event.json']);

describe('the bad-input corpus', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(async () => world.close());

  const files = readdirSync(BAD).sort();
  test('holds at least 30 bodies', () => assert.ok(files.length >= 30));

  for (const name of files) {
    test(name, async () => {
      const result = await world.run(['--payload-file', join(BAD, name)]);
      const expected = IGNORABLE.has(name) ? 0 : 2;
      assert.equal(result.code, expected, `exit code; stderr: ${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at |Error: /, 'no stack trace');
      if (expected === 2) {
        const lines = result.stderr.trim().split('\n').filter((l) => !l.includes('readable by others'));
        assert.equal(lines.length, 1, `one line: ${result.stderr}`);
        assert.match(lines[0], /^mattermost-incident: error: \S.{5,}/);
      } else {
        assert.match(result.stdout, /^ignored /);
      }
      assert.deepEqual(world.fake.writes(), [], 'no Mattermost write');
      assert.deepEqual(world.fake.requests, [], 'no Mattermost request at all');
    });
  }

  test('5 MB through a file', async () => {
    const body = JSON.parse(testData('incident.trigger.json'));
    body.messages[0].incident.description = 'x'.repeat(5 * 1024 * 1024);
    const path = join(world.dir, 'huge.json');
    writeFileSync(path, JSON.stringify(body));
    const result = await world.run(['--payload-file', path]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /body too large/);
    assert.deepEqual(world.fake.requests, []);
  });

  test('5 MB on standard input', async () => {
    const result = await world.run(['-'], { input: Buffer.alloc(5 * 1024 * 1024, 0x20) });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /body too large/);
  });
});

import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { SignatureError } from '../src/errors';
import { verifySignature } from '../src/sources/pagerduty/signature';
import { sharedPath, sharedText, skipUnlessShared } from './helpers/shared';
import { ROOT, type World, startWorld, testData } from './helpers/world';

const SIGNATURES = 'pagerduty-payloads/signature';
const skipShared = skipUnlessShared(SIGNATURES);
const vector = skipShared ? undefined : JSON.parse(sharedText(SIGNATURES, 'go-pagerduty-vector.json'));
const generated: any[] = skipShared ? [] : JSON.parse(sharedText(SIGNATURES, 'generated-vectors.json')).vectors;
const body = (file: string) => readFileSync(sharedPath('pagerduty-payloads', file));
const sign = (raw: string | Buffer, secret: string) => `v1=${createHmac('sha256', secret).update(raw).digest('hex')}`;

describe("the project's own vector (HMAC-SHA256 computed with openssl over test_data/v3/incident.triggered.json)", () => {
  const raw = readFileSync(join(ROOT, 'test_data', 'v3', 'incident.triggered.json'));
  const current = 'v1=1753a0c5feab746175c071e3f42e90d390baaa2f0896485fa243c7d3a0f237a6';
  const old = 'v1=069b6e0b65412e217b6f267de6f57f07dbcd3f7e2a6abe928192709de823487f';
  test('valid, rotated, and refused', () => {
    assert.doesNotThrow(() => verifySignature(raw, current, ['whsec-mattermost-incident-test']));
    assert.doesNotThrow(() => verifySignature(raw, `${old}, ${current}`, ['whsec-mattermost-incident-test']), 'either entry of a rotation header');
    assert.doesNotThrow(() => verifySignature(raw, old, ['whsec-mattermost-incident-test', 'whsec-old-rotated-secret']), 'the previous secret');
    assert.doesNotThrow(() => verifySignature(raw, `v0=abc,${current}`, ['whsec-mattermost-incident-test']), 'unknown prefixes are skipped');
    assert.throws(() => verifySignature(raw, old, ['whsec-mattermost-incident-test']), /signature mismatch/);
    assert.throws(() => verifySignature(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), current, ['whsec-mattermost-incident-test']), /signature mismatch/, 're-serialised');
  });
});

test('missing and malformed headers', () => {
  assert.throws(() => verifySignature(Buffer.from('{}'), undefined, ['s']), /signature missing/);
  assert.throws(() => verifySignature(Buffer.from('{}'), 'sha256=abc', ['s']), /signature malformed/);
  assert.throws(() => verifySignature(Buffer.from('{}'), 'v1=zz', ['s']), /signature malformed/);
});

describe('verifySignature with the official and generated vectors', { skip: skipShared }, () => {
  test("go-pagerduty's vector: valid and mismatch", () => {
    const raw = body(join('signature', vector!.body_file));
    assert.doesNotThrow(() => verifySignature(raw, vector.valid_header, [vector.secret]));
    assert.throws(() => verifySignature(raw, vector.mismatch_header, [vector.secret]), /signature mismatch/);
  });

  for (const v of generated) {
    test(`${v.body_file}`, () => {
      const raw = body(v.body_file);
      assert.doesNotThrow(() => verifySignature(raw, v.valid_header_single, [v.secret]));
      if (v.rotation_header_two_sigs) {
        assert.doesNotThrow(() => verifySignature(raw, v.rotation_header_two_sigs, [v.secret]), 'new secret, rotation header');
        assert.doesNotThrow(() => verifySignature(raw, v.rotation_header_two_sigs, [v.old_secret]), 'old secret, rotation header');
        assert.doesNotThrow(() => verifySignature(raw, v.rotation_header_two_sigs.replace(',', ', '), [v.secret]), 'space after the comma');
        assert.doesNotThrow(() => verifySignature(raw, v.header_with_unknown_version_and_valid_v1, [v.secret]), 'unknown prefixes are skipped');
        assert.throws(() => verifySignature(raw, v.invalid_header_wrong_secret, [v.secret]), SignatureError);
        assert.throws(() => verifySignature(raw, v.invalid_header_reserialized_body, [v.secret]), SignatureError);
        assert.throws(() => verifySignature(Buffer.from(JSON.stringify(JSON.parse(raw.toString()))), v.valid_header_single, [v.secret]), 'a re-serialised body never verifies');
      }
    });
  }

});

describe('signed deliveries through the CLI', () => {
  let world: World | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });
  const v3 = testData('v3/incident.triggered.json');

  test('valid → handled; invalid or missing → exit 2 and no request', async () => {
    world = await startWorld({ config: { pagerduty: { webhook_secrets: ['current-secret'] } } });
    const bad = await world.run([v3], { env: { PAGERDUTY_SIGNATURE: sign(v3, 'someone-else') } });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^mattermost-incident: error: signature mismatch/m);
    const missing = await world.run([v3]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /signature missing/);
    assert.equal(world.fake.requests.length, 0);
    const good = await world.run(['--signature', sign(v3, 'current-secret'), v3]);
    assert.equal(good.code, 0, good.stderr);
    assert.ok(world.fake.channelByName('incident-pt4khlk'));
  });

  test('rotation: secrets from PAGERDUTY_WEBHOOK_SECRETS, either one accepted, several signatures in the header', async () => {
    world = await startWorld();
    const env = { PAGERDUTY_WEBHOOK_SECRETS: 'old-secret, new-secret' };
    const both = `${sign(v3, 'old-secret')},${sign(v3, 'new-secret')}`;
    assert.equal((await world.run([v3], { env: { ...env, PAGERDUTY_SIGNATURE: both } })).code, 0);
    const ack = testData('v3/incident.acknowledged.json');
    assert.equal((await world.run([ack], { env: { ...env, PAGERDUTY_SIGNATURE: sign(ack, 'old-secret') } })).code, 0);
    assert.match(world.fake.channelByName('incident-pt4khlk')!.header, /Acknowledged/);
  });

  test('the raw bytes are checked as received, from a file too', async () => {
    world = await startWorld({ config: { pagerduty: { webhook_secrets: ['s3cret-value'] } } });
    const raw = Buffer.from(v3.replace('Checkout API latency', 'Checkout API latency ✓ ünïcode'));
    const path = join(world.dir, 'body.json');
    require('node:fs').writeFileSync(path, raw);
    const result = await world.run(['--payload-file', path], { env: { PAGERDUTY_SIGNATURE: sign(raw, 's3cret-value') } });
    assert.equal(result.code, 0, result.stderr);
  });

  test('V1/V2 are accepted unsigned, unless require_signature', async () => {
    world = await startWorld({ config: { pagerduty: { webhook_secrets: ['s3cret-value'] } } });
    assert.equal((await world.run([testData('incident.trigger.json')])).code, 0);
    world.writeConfig({ ...world.config, pagerduty: { webhook_secrets: ['s3cret-value'], require_signature: true } });
    const refused = await world.run([testData('incident.acknowledge.json')]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /V2 deliveries cannot be signed/);
    assert.doesNotMatch(world.fake.channelByName('incident-pt4khlk')!.header, /Acknowledged/);
  });
});

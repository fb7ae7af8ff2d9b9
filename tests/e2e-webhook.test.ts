/**
 * End to end through the real adnanh/webhook daemon (Debian package `webhook`), with hooks made from
 * hooks.json.sample and bodies POSTed the way PagerDuty and the README's curl line send them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { type Daemon, hooksFromSample, post, startDaemon, webhookInstalled } from './helpers/webhook-daemon';
import { FLOWS } from './helpers/payloads';
import { ROOT, type World, startWorld, testData } from './helpers/world';

const skip = webhookInstalled() ? false : 'the webhook daemon is not installed (apt-get install webhook)';

describe('through the webhook daemon', { skip }, () => {
  let world: World;
  let daemon: Daemon;
  before(async () => {
    world = await startWorld();
    daemon = await startDaemon(hooksFromSample(world.dir, join(world.dir, 'hooks.json')));
  });
  after(async () => {
    await daemon?.stop();
    await world?.close();
  });
  const hook = (id = 'pagerduty_hook') => `${daemon.url}/hooks/${id}`;
  const resetWorld = async (options = {}) => {
    await daemon.stop();
    await world.close();
    world = await startWorld(options);
    daemon = await startDaemon(hooksFromSample(world.dir, join(world.dir, 'hooks.json')));
  };

  for (const [generation, files] of Object.entries(FLOWS)) {
    test(`${generation} trigger → acknowledge → resolve`, async () => {
      await resetWorld();
      const answers = [];
      for (const file of files) answers.push(await post(hook(), testData(file)));
      for (const answer of answers) assert.equal(answer.status, 200, answer.text);
      assert.match(answers[0].text, /created ~incident-pt4khlk, 3 invited/);
      const channel = world.fake.channelByName('incident-pt4khlk')!;
      assert.match(channel.header, /Resolved/);
      assert.deepEqual(world.fake.memberNames(channel.id), ['incident-bot']);
      const announcement = world.fake.postsIn(world.fake.channelByName('town-square')!.id).at(-1)!;
      assert.match(announcement.message, /has been resolved/);
      assert.deepEqual(world.fake.violations, []);
    });
  }

  test('a Mattermost outage becomes HTTP 500, so PagerDuty retries; the body is the one error line, no secret', async () => {
    await resetWorld({ config: { deadline_seconds: 1 } });
    world.fake.faults.push({ match: '*', times: Infinity, status: 503, body: 'maintenance' });
    const answer = await post(hook(), testData('incident.trigger.json'));
    assert.equal(answer.status, 500);
    assert.match(answer.text, /^mattermost-incident: error: .*HTTP 503/m);
    assert.ok(!answer.text.includes(world.token), 'the token is not in the answer');
    assert.doesNotMatch(answer.text, /Error occurred while executing the hook's command/);
  });

  test('a forged signature: 500 whose body says why, and never the secret', async () => {
    await resetWorld({ config: { pagerduty: { webhook_secrets: ['whsec-e2e-secret-1'] } } });
    const answer = await post(hook(), testData('v3/incident.triggered.json'), { 'X-PagerDuty-Signature': `v1=${'0'.repeat(64)}` });
    assert.equal(answer.status, 500);
    assert.match(answer.text, /mattermost-incident: error: signature mismatch/);
    assert.ok(!answer.text.includes('whsec-e2e-secret-1'));
    assert.equal(world.fake.requests.length, 0);
  });

  test('no body changes what the tool does: option- and command-like bodies on every hook of the sample', async () => {
    await resetWorld({ config: { pagerduty: { webhook_secrets: ['whsec-e2e-secret-1'], require_signature: true } } });
    const hooks = (JSON.parse(readFileSync(join(ROOT, 'hooks.json.sample'), 'utf8')) as { id: string }[]).map((h) => h.id);
    for (const id of hooks) {
      for (const body of ['check', 'replay', '--help', '--version', '-', '--payload-file=/dev/zero', '--config=/etc/passwd', '--dry-run']) {
        const answer = await post(hook(id), body);
        assert.doesNotMatch(answer.text, /Usage:|^\d+\.\d+\.\d+|^ok /m, `${id} ${body}`);
        if (id.startsWith('mattermost_')) {
          // Mattermost's hooks always answer 200 and one JSON document, which the person sees.
          assert.equal(answer.status, 200, `${id} ${body}: ${answer.text}`);
          const reply = JSON.parse(answer.text);
          assert.match(reply.ephemeral_text ?? reply.text, /did not understand|not set up|Not accepted/, `${id} ${body}`);
          continue;
        }
        assert.equal(answer.status, 500, `${id} ${body}: ${answer.text}`);
        assert.match(answer.text, /mattermost-incident: error: body is not valid JSON/, `${id} ${body}`);
      }
    }
    assert.equal(world.fake.requests.length, 0);
  });

  test('a GET is refused with 405 and runs nothing', async () => {
    await resetWorld();
    const response = await fetch(hook());
    assert.equal(response.status, 405);
    assert.equal(world.fake.requests.length, 0);
  });

  test('a body over 128 KiB: the argument hook fails, the file hook handles it', async () => {
    await resetWorld();
    const body = JSON.parse(testData('incident.trigger.json'));
    body.messages[0].log_entries[0].channel = { type: 'api', details: 'x'.repeat(140 * 1024) };
    const text = JSON.stringify(body);
    assert.ok(Buffer.byteLength(text) > 128 * 1024);
    const viaArgument = await post(hook(), text);
    assert.equal(viaArgument.status, 500, 'the kernel refuses an argument over 128 KiB');
    const viaFile = await post(hook('pagerduty_hook_file'), text);
    assert.equal(viaFile.status, 200, viaFile.text);
    assert.match(viaFile.text, /created ~incident-pt4khlk/);
  });

  test('Alertmanager through its sample hook: the Authorization header checked, firing → resolved in one channel', async () => {
    await resetWorld({ config: { sources: { alertmanager: { authorization: ['Bearer am-e2e-token'] } } } });
    const refused = await post(hook('alertmanager'), testData('alertmanager/firing.json'));
    assert.equal(refused.status, 500);
    assert.match(refused.text, /mattermost-incident: error: .*Authorization/);
    assert.equal(world.fake.requests.length, 0, 'no Mattermost request without the credentials');
    const auth = { Authorization: 'Bearer am-e2e-token' };
    for (const file of ['firing.json', 'firing.json', 'part-resolved.json', 'resolved.json']) {
      const answer = await post(hook('alertmanager'), testData(`alertmanager/${file}`), auth);
      assert.equal(answer.status, 200, `${file}: ${answer.text}`);
    }
    const channels = [...world.fake.channels.values()].filter((c) => c.name.startsWith('am-'));
    assert.equal(channels.length, 1);
    assert.match(channels[0].header, /Resolved/);
    const tool = world.fake.postsIn(channels[0].id).filter((p) => p.user_id === world.bot.id && p.type === '');
    const firstLines = tool.map((p) => p.message.split('\n')[0].replace(/ · .*/, ''));
    assert.deepEqual(firstLines, ['🔴 **2 alerts firing**', '🔴 **1 resolved, 1 still firing**', '🟢 **All alerts resolved**', 'Resolution announced in ~town-square, with the transcript. alice, bob, carol were released from this channel.'], 'the repeat made no post');
    assert.match(world.fake.postsIn(world.fake.channelByName('town-square')!.id).at(-1)!.message, /has been resolved/);
    assert.deepEqual(world.fake.violations, []);
  });

  test('Grafana through its sample hook: signed with a timestamp, the test notification answered 200', async () => {
    const secret = 'grafana-e2e-secret';
    await resetWorld({ config: { sources: { grafana: { webhook_secrets: [secret] } } } });
    const signed = (body: string) => {
      const timestamp = String(Math.floor(Date.now() / 1000));
      return { 'X-Grafana-Alerting-Signature': createHmac('sha256', secret).update(`${timestamp}:${body}`).digest('hex'), 'X-Grafana-Alerting-Timestamp': timestamp };
    };
    const test = testData('grafana/test-notification.json');
    const answer = await post(hook('grafana'), test, signed(test));
    assert.equal(answer.status, 200, answer.text);
    assert.match(answer.text, /test notification; no incident channel is made/);
    const forged = await post(hook('grafana'), testData('grafana/firing.json'), { 'X-Grafana-Alerting-Signature': '0'.repeat(64) });
    assert.equal(forged.status, 500);
    for (const file of ['firing.json', 'resolved.json']) {
      const body = testData(`grafana/${file}`);
      const result = await post(hook('grafana'), body, signed(body));
      assert.equal(result.status, 200, `${file}: ${result.text}`);
    }
    const channels = [...world.fake.channels.values()].filter((c) => c.name.startsWith('grafana-'));
    assert.equal(channels.length, 1);
    assert.match(channels[0].header, /Resolved/);
    assert.deepEqual(world.fake.violations, []);
  });

  test('Opsgenie through its sample hook: create → acknowledge → note → close', async () => {
    await resetWorld({ config: { sources: { opsgenie: { authorization: ['Basic b3BzZ2VuaWU6czNjcmV0'] } } } });
    const auth = { Authorization: 'Basic b3BzZ2VuaWU6czNjcmV0' };
    for (const file of ['create.json', 'acknowledge.json', 'addnote.json', 'close.json']) {
      const answer = await post(hook('opsgenie'), testData(`opsgenie/${file}`), auth);
      assert.equal(answer.status, 200, `${file}: ${answer.text}`);
    }
    const [channel] = [...world.fake.channels.values()].filter((c) => c.name.startsWith('og-1042-'));
    assert.ok(channel, 'a channel named for the alert');
    assert.match(channel.header, /Resolved/);
    const messages = world.fake.postsIn(channel.id).filter((p) => p.user_id === world.bot.id && p.type === '').map((p) => p.message);
    assert.deepEqual(messages.map((m) => m.split(' by ')[0]), ['🔴 **Triggered**', '🟠 **Acknowledged**', '📝 **Note added**', '🟢 **Resolved**', 'Resolution announced in ~town-square, with the transcript. alice, bob, carol were released from this channel.']);
    assert.match(messages[2], /> Cleaning up old WAL files/);
    assert.deepEqual(world.fake.violations, []);
  });

  test("the README's curl line, run as written", async () => {
    await resetWorld();
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const line = readme.split('\n').find((l) => l.startsWith('curl ') && l.includes('/hooks/pagerduty_hook'));
    assert.ok(line, 'README shows a curl line for the hook');
    const { stdout } = await promisify(execFile)('bash', ['-c', line], { cwd: ROOT, env: { ...process.env, PORT: String(daemon.port) } });
    assert.match(stdout, /created ~incident-pt4khlk, 3 invited/);
    assert.ok(world.fake.channelByName('incident-pt4khlk'));
  });
});

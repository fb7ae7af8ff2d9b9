import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { type World, runCli, startWorld, testData } from './helpers/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function assertOneLineError(stderr: string, pattern: RegExp) {
  const errors = stderr.split('\n').filter((l) => l.startsWith('mattermost-incident: error:'));
  assert.equal(errors.length, 1, `one error line in: ${stderr}`);
  assert.match(errors[0], pattern);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
}

describe('command line', () => {
  test('--version prints the version', async () => {
    const result = await runCli(['--version']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
  });

  test('--help shows the options and examples', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const text of ['--config', '--payload-file', '--dry-run', 'check', 'Examples:', 'Exit codes']) assert.ok(result.stdout.includes(text), text);
  });

  test('no payload prints the usage and exits 2', async () => {
    world = await startWorld();
    const result = await world.run([]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /Usage: mattermost-incident/);
    assert.match(result.stderr, /no payload given/);
    assert.equal(world.fake.requests.length, 0);
  });

  test('an unknown option exits 2', async () => {
    const result = await runCli(['--frobnicate']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown option/);
  });

  test('--payload-file, MATTERMOST_INCIDENT_PAYLOAD_FILE and - for standard input', async () => {
    world = await startWorld();
    const file = join(world.dir, 'body.json');
    writeFileSync(file, testData('incident.trigger.json'));
    assert.equal((await world.run(['--payload-file', file])).code, 0);
    assert.equal((await world.run([], { env: { MATTERMOST_INCIDENT_PAYLOAD_FILE: file } })).code, 0);
    const stdin = await world.run(['--payload-file', '-'], { input: testData('incident.acknowledge.json') });
    assert.equal(stdin.code, 0, stdin.stderr);
    assert.match(world.fake.channelByName('incident-pt4khlk')!.header, /Acknowledged/);
  });

  test('--config and MATTERMOST_INCIDENT_CONFIG pick the file; the env overrides URL and token', async () => {
    world = await startWorld();
    const elsewhere = join(world.dir, 'elsewhere.yaml');
    writeFileSync(elsewhere, `mattermost_api:\n  url: http://127.0.0.1:9/\n  token: wrong\nnotification_settings:\n  team_name: ops\n  alert_users: [alice]\n`);
    chmodSync(elsewhere, 0o600);
    const env = { MATTERMOST_URL: world.fake.url, MATTERMOST_TOKEN: world.token };
    const viaFlag = await world.run(['--config', elsewhere, testData('incident.trigger.json')], { env });
    assert.equal(viaFlag.code, 0, viaFlag.stderr);
    const viaEnv = await world.run([testData('incident.acknowledge.json')], { env: { ...env, MATTERMOST_INCIDENT_CONFIG: elsewhere } });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    assert.deepEqual(world.fake.memberNames(world.fake.channelByName('incident-pt4khlk')!.id), ['alice', 'incident-bot']);
  });

  test('a ping is acknowledged with exit 0 and a line, and sends nothing', async () => {
    world = await startWorld();
    const result = await world.run(['{"event":{"id":"01X","event_type":"pagey.ping","resource_type":"pagey","occurred_at":"2024-01-01T00:00:00Z","agent":null,"client":null,"data":{"message":"Hello","type":"ping"}}}']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /ignored pagey\.ping/);
    assert.equal(world.fake.requests.length, 0);
  });
});

describe('bad configuration', () => {
  test('every problem is listed with its key path, exit 2, nothing sent', async () => {
    world = await startWorld();
    world.writeConfig({ mattermost_api: { url: 'ftp://x', token: 5 }, notification_settings: { alert_users: 'alice', archive_on_resolve: 'yes' } });
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr, /invalid configuration/);
    for (const path of ['mattermost_api.url', 'mattermost_api.token', 'notification_settings.team_name', 'notification_settings.alert_users', 'notification_settings.archive_on_resolve']) {
      assert.ok(result.stderr.includes(path), path);
    }
    assert.equal(world.fake.requests.length, 0);
  });

  test('a missing conf.yaml', async () => {
    world = await startWorld();
    const result = await world.run(['--config', join(world.dir, 'nope.yaml'), testData('incident.trigger.json')]);
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr, /nope\.yaml.*file not found/);
  });

  test('YAML syntax errors name the line', async () => {
    world = await startWorld();
    writeFileSync(world.confPath, 'mattermost_api:\n  url: [unclosed\n');
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr, /not valid YAML/);
  });

  test('a conf.yaml with secrets readable by others gets a warning', async () => {
    world = await startWorld();
    chmodSync(world.confPath, 0o644);
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 0);
    assert.match(result.stderr, /readable by others.*chmod 600/);
  });
});

describe('Mattermost failures map to exit codes', () => {
  test('unreachable → 75', async () => {
    world = await startWorld({ config: { mattermost_api: { url: 'http://127.0.0.1:9/' }, deadline_seconds: 1 } });
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 75);
    assertOneLineError(result.stderr, /nothing answers at 127\.0\.0\.1:9 \(connection refused\): is the server running, and is the port in mattermost_api\.url right\?/);
    assert.doesNotMatch(result.stderr, /ECONNREFUSED/);
  });

  test('a bad token → 2, and the token is never printed', async () => {
    world = await startWorld({ config: { mattermost_api: { token: 'revoked-token-123456' } } });
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr, /HTTP 401 \(api\.context\.session_expired\.app_error\)/);
    assert.ok(!`${result.stdout}${result.stderr}`.includes('revoked-token-123456'));
  });

  test('a server error → 75 with the status, error id and request line', async () => {
    world = await startWorld({ config: { deadline_seconds: 1 } });
    world.fake.faults.push({ match: 'GET /api/v4/teams', times: Infinity, status: 500, body: '{"id":"app.team.get.app_error","message":"db down","status_code":500}' });
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 75);
    assertOneLineError(result.stderr, /GET \/api\/v4\/teams\/name\/ops failed: HTTP 500 \(app\.team\.get\.app_error\)/);
  });

  test('a missing team → 2', async () => {
    world = await startWorld({ config: { notification_settings: { team_name: 'nosuchteam' } } });
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr, /app\.team\.get_by_name\.missing\.app_error/);
  });
});

describe('check', () => {
  test('all checks pass → 0, one line each', async () => {
    world = await startWorld();
    const result = await world.run(['check']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    for (const line of ['configuration is valid', 'reachable', 'token is valid', 'team "ops" exists', 'alert user @alice exists', 'announcement channel ~town-square exists']) {
      assert.match(result.stdout, new RegExp(`^ok +.*${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
    }
    assert.deepEqual(world.fake.writes(), []);
  });

  test('an unknown alert user and a missing channel → 2', async () => {
    world = await startWorld({ config: { notification_settings: { alert_users: ['alice', 'ghost'], announcement_channel: 'war-room' } } });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^FAIL +alert user @ghost does not exist/m);
    assert.match(result.stdout, /^FAIL +announcement channel ~war-room/m);
    assert.match(result.stdout, /^ok +alert user @alice exists/m);
  });

  test('a bad token → 2', async () => {
    world = await startWorld({ config: { mattermost_api: { token: 'nope-nope-nope' } } });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^FAIL +token is not valid/m);
  });

  test('unreachable → 75', async () => {
    world = await startWorld({ config: { mattermost_api: { url: 'http://127.0.0.1:9' }, deadline_seconds: 1 } });
    const result = await world.run(['check']);
    assert.equal(result.code, 75);
    assert.match(result.stdout, /^FAIL +Mattermost not reachable/m);
  });

  test('a bad config → 2', async () => {
    world = await startWorld();
    world.writeConfig({ mattermost_api: {} });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    assertOneLineError(result.stderr, /mattermost_api\.url: required/);
  });
});

describe('config file permissions', () => {
  test('no warning when the secrets come from the environment only', async () => {
    world = await startWorld();
    world.writeConfig({ ...world.config, mattermost_api: { url: world.fake.url } });
    chmodSync(world.confPath, 0o644);
    const result = await world.run([testData('incident.trigger.json')], { env: { MATTERMOST_TOKEN: world.token } });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /readable by others/);
  });
});

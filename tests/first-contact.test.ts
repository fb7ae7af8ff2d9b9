/** The mistakes a new user makes most, each answered by one line that says how to fix it, and a defined exit code. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { dump } from 'js-yaml';
import { type TestServer, htmlPage, redirectTo, silence, startServer } from './helpers/servers';
import { type RunResult, type World, runCli, startWorld, testData } from './helpers/world';

let world: World | undefined;
const servers: TestServer[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await world?.close();
  world = undefined;
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function emptyDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-first-'));
  dirs.push(dir);
  return dir;
}

/** No stack trace and no token, whatever failed. */
function assertClean(result: RunResult, token = 'bot-token-5f2c8e1d9a7b') {
  const all = `${result.stdout}${result.stderr}`;
  assert.doesNotMatch(all, /\n\s+at |Error: /, 'no stack trace');
  assert.ok(!all.includes(token), 'the token is never printed');
}

function oneErrorLine(result: RunResult): string {
  const lines = result.stderr.split('\n').filter((l) => l.startsWith('mattermost-incident: error:'));
  assert.equal(lines.length, 1, `one error line in: ${result.stderr}`);
  return lines[0];
}

function failLines(result: RunResult): string[] {
  return result.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
}

async function server(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

describe('where the config is', () => {
  test('check --config PATH and replay --config PATH read PATH, from a directory without conf.yaml', async () => {
    world = await startWorld();
    const elsewhere = emptyDir();
    for (const args of [['check', '--config', world.confPath], ['--config', world.confPath, 'check']]) {
      const result = await runCli(args, { cwd: elsewhere });
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.match(result.stdout, /^ok +token is valid/m);
    }
    const replay = await runCli(['replay', '--config', world.confPath], { cwd: elsewhere });
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /replayed 0 dead letter/);
  });

  test('a missing conf.yaml names the directory looked in and the ways to point elsewhere', async () => {
    const dir = emptyDir();
    const result = await runCli(['check'], { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(oneErrorLine(result), new RegExp(`no conf\\.yaml in ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: copy sample\\.conf\\.yaml there, or point --config or MATTERMOST_INCIDENT_CONFIG at the file`));
    assertClean(result);
  });

  test('a YAML syntax error gives the line and the column', async () => {
    world = await startWorld();
    writeFileSync(world.confPath, 'mattermost_api:\n  url: http://x\nnotification_settings:\n  team_name: [ops\n');
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    assert.match(oneErrorLine(result), /not valid YAML at line \d+, column \d+/);
  });

  test('`help` without dashes shows the help', async () => {
    const result = await runCli(['help'], { cwd: emptyDir() });
    assert.equal(result.code, 0);
    assert.match(result.stdout, /Usage: mattermost-incident/);
    assert.doesNotMatch(result.stderr, /JSON/);
  });
});

describe('the URL', () => {
  test('/api/v4 appended', async () => {
    world = await startWorld({ urlSuffix: '/api/v4' });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    assert.match(oneErrorLine(result), /mattermost_api\.url: ends in \/api\/v4, which the tool adds itself: use http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(world.fake.requests.length, 0);
  });

  test('an HTML page (the web app or a login page) is not the API: check and deliveries say what the URL answered', async () => {
    world = await startWorld();
    const page = await server(htmlPage);
    world.writeConfig({ ...world.config, mattermost_api: { url: page.url, token: world.token } });
    const check = await world.run(['check']);
    assert.equal(check.code, 2, check.stdout);
    assert.doesNotMatch(check.stdout, /@undefined|^ok +token is valid/m);
    assert.match(failLines(check).join('\n'), /answered with an HTML page .*not the Mattermost API: check mattermost_api\.url/);
    const delivery = await world.run([testData('incident.trigger.json')]);
    assert.equal(delivery.code, 2);
    assert.match(oneErrorLine(delivery), /answered with an HTML page/);
    assertClean(delivery, world.token);
  });

  test('http:// to a server that redirects to https://: "use https://…"; the redirect is not followed', async () => {
    world = await startWorld();
    const redirecting = await server((req, res) => redirectTo(`https://127.0.0.1:${redirecting.port}`)(req, res));
    world.writeConfig({ ...world.config, mattermost_api: { url: redirecting.url, token: world.token } });
    const check = await world.run(['check']);
    assert.equal(check.code, 2, check.stdout);
    assert.match(failLines(check).join('\n'), new RegExp(`redirects to https://127\\.0\\.0\\.1:${redirecting.port}/api/v4/users/me: use https://127\\.0\\.0\\.1:${redirecting.port} in mattermost_api\\.url`));
  });

  test('a redirect to another host is named, and the token never goes there', async () => {
    world = await startWorld();
    const other = await server(htmlPage);
    const redirecting = await server(redirectTo(other.url));
    world.writeConfig({ ...world.config, mattermost_api: { url: redirecting.url, token: world.token } });
    const delivery = await world.run([testData('incident.trigger.json')]);
    assert.equal(delivery.code, 2);
    assert.match(oneErrorLine(delivery), new RegExp(`redirects to ${other.url}/api/v4/`));
    assert.equal(other.requests.length, 0, 'nothing reached the other host');
    assertClean(delivery, world.token);
  });

  test('a host that does not resolve, said in words', async () => {
    world = await startWorld({ config: { mattermost_api: { url: 'http://mattermost-incident-test.invalid' }, deadline_seconds: 2 } });
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 75);
    assert.match(oneErrorLine(result), /the host mattermost-incident-test\.invalid does not resolve \(DNS\): check the host name in mattermost_api\.url/);
    assert.doesNotMatch(result.stderr, /ENOTFOUND|EAI_AGAIN/);
  });

  test('a server that never answers: timed out, said in words', async () => {
    world = await startWorld({ config: { deadline_seconds: 1 } });
    const quiet = await server(silence);
    world.writeConfig({ ...world.config, mattermost_api: { url: quiet.url, token: world.token } });
    const result = await world.run([testData('incident.acknowledge.json')]);
    assert.equal(result.code, 75);
    assert.match(oneErrorLine(result), /no answer from 127\.0\.0\.1:\d+ within [\d.]+ s \(timed out\): is the address right, or is a firewall in the way\?/);
    assert.doesNotMatch(result.stderr, /ETIMEDOUT|ECONNABORTED/);
  });
});

describe('TLS with a private CA', () => {
  function selfSigned(dir: string): { key: string; cert: string; certPath: string } {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    return { key: readFileSync(keyPath, 'utf8'), cert: readFileSync(certPath, 'utf8'), certPath };
  }

  test('a self-signed certificate names mattermost_api.ca_file; with it, the delivery goes through', async () => {
    const dir = emptyDir();
    const tls = selfSigned(dir);
    world = await startWorld({ tls: { key: tls.key, cert: tls.cert } });
    const refused = await world.run([testData('incident.trigger.json')]);
    assert.equal(refused.code, 2);
    assert.match(oneErrorLine(refused), /the TLS certificate of 127\.0\.0\.1 is not trusted \(self-signed, or signed by a private CA\): set mattermost_api\.ca_file to the PEM file of the CA that signed it \(NODE_EXTRA_CA_CERTS works too/);
    world.writeConfig({ ...world.config, mattermost_api: { ...world.config.mattermost_api, ca_file: tls.certPath } });
    const trusted = await world.run([testData('incident.trigger.json')]);
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.ok(world.fake.channelByName('incident-pt4khlk'));
  });

  test('an unreadable ca_file is a config line', async () => {
    const tls = selfSigned(emptyDir());
    world = await startWorld({ tls: { key: tls.key, cert: tls.cert }, config: { mattermost_api: { ca_file: '/nonexistent/ca.pem' } } });
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 2);
    assert.match(oneErrorLine(result), /mattermost_api\.ca_file: cannot read \/nonexistent\/ca\.pem \(ENOENT\)/);
  });
});

describe('the team and the users', () => {
  test("the team's display name instead of its name: check names the right value", async () => {
    world = await startWorld({ teamName: 'ops' });
    world.fake.teams.get(world.team.id)!.display_name = 'Operations';
    world.writeConfig({ ...world.config, notification_settings: { ...world.config.notification_settings, team_name: 'Operations' } });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    assert.match(failLines(result).join('\n'), /team "Operations" not found: "Operations" is the display name of team "ops"; set notification_settings\.team_name: ops/);
  });

  test('the bot not on the team: check says so, and how to add it', async () => {
    world = await startWorld();
    const other = world.fake.addTeam('other', [], { allow_open_invite: true });
    world.writeConfig({ ...world.config, notification_settings: { ...world.config.notification_settings, team_name: other.name } });
    const open = await world.run(['check']);
    assert.equal(open.code, 2);
    assert.match(failLines(open).join('\n'), /the bot @incident-bot is not a member of team "other": add it \(System Console › User Management › Teams › other › Add Members, or: mmctl team users add other incident-bot\)/);
    world.fake.teams.get(other.id)!.allow_open_invite = false;
    const inviteOnly = await world.run(['check']);
    assert.match(failLines(inviteOnly).join('\n'), /is not a member of team "other": add it/);
  });

  test('a misspelled alert user gets the closest usernames', async () => {
    world = await startWorld({ alertUsers: ['alice', 'bob'], config: { notification_settings: { alert_users: ['alcie', 'bob'] } } });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    assert.match(failLines(result).join('\n'), /alert user @alcie does not exist; did you mean @alice\?/);
  });
});

describe('the config itself', () => {
  test('an unknown key close to a known one fails check with the suggestion; a delivery only warns', async () => {
    world = await startWorld();
    const settings = { ...world.config.notification_settings, alert_user: ['alice'] };
    world.writeConfig({ ...world.config, notification_settings: settings });
    const check = await world.run(['check']);
    assert.equal(check.code, 2);
    assert.match(failLines(check).join('\n'), /notification_settings\.alert_user: unknown key; did you mean alert_users\?/);
    const delivery = await world.run([testData('incident.trigger.json')]);
    assert.equal(delivery.code, 0, delivery.stderr);
    assert.match(delivery.stderr, /warning: .*notification_settings\.alert_user: unknown key, ignored; did you mean alert_users\?/);
  });

  test("the sample's placeholders left in are named by check", async () => {
    world = await startWorld({ config: { mattermost_api: { url: 'https://mattermost.example.com/', token: 'replace-with-a-bot-token' }, deadline_seconds: 1 } });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    const fails = failLines(result).join('\n');
    assert.match(fails, /mattermost_api\.url is still the sample's mattermost\.example\.com/);
    assert.match(fails, /mattermost_api\.token is still the sample's placeholder: put the bot's access token there/);
  });
});

describe('the hook', () => {
  test('a signed body re-serialised by entire-payload: the error says so and names raw-request-body', async () => {
    world = await startWorld({ config: { pagerduty: { webhook_secrets: ['whsec-test-1'] } } });
    const raw = testData('v3/incident.triggered.json');
    const signature = `v1=${createHmac('sha256', 'whsec-test-1').update(raw).digest('hex')}`;
    const sorted = (v: unknown): unknown => (Array.isArray(v) ? v.map(sorted) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as any)[k])])) : v);
    const reserialised = JSON.stringify(sorted(JSON.parse(raw)));
    const result = await world.run(['--body', reserialised], { env: { PAGERDUTY_SIGNATURE: signature } });
    assert.equal(result.code, 2);
    assert.match(oneErrorLine(result), /signature mismatch.*the body looks re-serialised \(compact, keys sorted\): the hook passes "entire-payload", so pass "raw-request-body" instead/);
    assert.equal(world.fake.requests.length, 0);
  });
});

describe('dead letters kept for another Mattermost or team', () => {
  test('replay says how many it skipped and why; --retarget applies them to the configured ones', async () => {
    world = await startWorld();
    const wrong = { ...world.config, notification_settings: { ...world.config.notification_settings, team_name: 'opps' } };
    world.writeConfig(wrong);
    const failed = await world.run([testData('incident.trigger.json')]);
    assert.equal(failed.code, 2);
    world.writeConfig({ ...wrong, notification_settings: { ...wrong.notification_settings, team_name: 'ops' } });
    const skipped = await world.run(['replay']);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /skipped 1 dead letter\(s\) kept for another Mattermost or team \(1 for http:\/\/127\.0\.0\.1:\d+ team opps\); to apply them to http:\/\/127\.0\.0\.1:\d+ team ops, run: mattermost-incident replay --retarget/);
    assert.equal(world.fake.channelByName('incident-pt4khlk'), undefined);
    const retargeted = await world.run(['replay', '--retarget']);
    assert.equal(retargeted.code, 0, retargeted.stderr);
    assert.match(retargeted.stdout, /replayed 1 dead letter/);
    assert.ok(world.fake.channelByName('incident-pt4khlk'));
  });
});

describe('--dry-run reads the real state', () => {
  test('an incident already applied: "already applied, nothing to do", and no write', async () => {
    world = await startWorld();
    assert.equal((await world.run([testData('incident.trigger.json')])).code, 0);
    const writes = world.fake.writes().length;
    const again = await world.run(['--dry-run', testData('incident.trigger.json')]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /already applied to ~incident-pt4khlk, nothing to do/);
    assert.doesNotMatch(again.stdout, /would POST \/api\/v4\/channels/);
    const ack = await world.run(['--dry-run', testData('incident.acknowledge.json')]);
    assert.match(ack.stdout, /would PUT \/api\/v4\/channels\/\w+\/patch/);
    assert.match(ack.stdout, /would POST \/api\/v4\/posts/);
    assert.doesNotMatch(ack.stdout, /would POST \/api\/v4\/channels /);
    assert.equal(world.fake.writes().length, writes);
  });
});

describe('bodies that look like options are bodies', () => {
  test('after --body nothing is an option or a subcommand', async () => {
    world = await startWorld();
    for (const body of ['check', 'replay', '--help', '--version', '-', '--payload-file=/dev/zero', '--config=/etc/passwd', '--dry-run']) {
      const result = await world.run(['--body', body]);
      assert.equal(result.code, 2, `${body}: ${result.stdout}${result.stderr}`);
      assert.match(oneErrorLine(result), /body is not valid JSON|body is empty/, body);
      assert.doesNotMatch(result.stdout, /Usage|^\d+\.\d+\.\d+$|^ok /m, body);
    }
    assert.equal(world.fake.requests.length, 0);
  });
});

describe('state directory', () => {
  test('conf.yaml without state_dir uses a private directory under the home directory', async () => {
    world = await startWorld();
    const home = emptyDir();
    const { state_dir: _unused, ...rest } = world.config;
    writeFileSync(world.confPath, dump(rest));
    chmodSync(world.confPath, 0o600);
    mkdirSync(join(home, '.local'), { recursive: true });
    const result = await world.run([testData('incident.trigger.json')], { env: { HOME: home } });
    assert.equal(result.code, 0, result.stderr);
    const cache = join(home, '.local', 'state', 'mattermost-incident', 'cache');
    assert.ok(readdirSync(cache).some((name) => readFileSync(join(cache, name), 'utf8').includes(world!.team.id)), 'the team id is remembered there');
    assert.equal(statSync(join(home, '.local', 'state', 'mattermost-incident')).mode & 0o777, 0o700);
  });
});

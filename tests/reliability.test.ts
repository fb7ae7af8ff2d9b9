/** At-least-once delivery, no ordering, parallel runs and outages: nothing lost, nothing duplicated. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { holdLock } from './helpers/locks';
import { FLOW, withIncident } from './helpers/payloads';
import { type World, startWorld, testData } from './helpers/world';

let world: World | undefined;
const worlds: World[] = [];
afterEach(async () => {
  for (const w of [world, ...worlds.splice(0)]) {
    if (w) assert.deepEqual(w.fake.violations, []);
    await w?.close();
  }
  world = undefined;
});

async function ok(w: World, body: string, env: Record<string, string> = {}) {
  const result = await w.run([body], { env });
  assert.equal(result.code, 0, result.stderr);
  return result;
}

/** What a user sees: channel header and members, and the messages of every channel in order. */
function visible(w: World) {
  const channels = [...w.fake.channels.values()].sort((a, b) => a.name.localeCompare(b.name));
  return channels.map((c) => ({
    name: c.name,
    header: c.header,
    archived: c.delete_at > 0,
    members: w.fake.memberNames(c.id),
    posts: w.fake.postsIn(c.id).map((p) => p.message),
  }));
}

function announcements(w: World) {
  return w.fake.postsIn(w.fake.channelByName('town-square')!.id);
}

function deadLetters(w: World): string[] {
  const dir = join(w.dir, 'state', 'dead-letter');
  return existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.json')) : [];
}

describe('duplicates', () => {
  test('every delivery three times: one channel, one post per event, one announcement', async () => {
    world = await startWorld();
    for (const file of FLOW) for (let i = 0; i < 3; i++) await ok(world, testData(file));
    const reference = await startWorld();
    worlds.push(reference);
    for (const file of FLOW) await ok(reference, testData(file));
    assert.deepEqual(visible(world), visible(reference));
    assert.equal(announcements(world).length, 1);
  });

  test('the same V3 event under a new delivery id changes nothing', async () => {
    world = await startWorld();
    await ok(world, testData('v3/incident.triggered.json'), { PAGERDUTY_WEBHOOK_ID: 'delivery-1' });
    const before = visible(world);
    const again = await ok(world, testData('v3/incident.triggered.json'), { PAGERDUTY_WEBHOOK_ID: 'delivery-2' });
    assert.match(again.stdout, /already applied/);
    assert.deepEqual(visible(world), before);
  });
});

describe('ordering', () => {
  test('reversed: resolve, acknowledge, trigger ends Resolved with one announcement', async () => {
    world = await startWorld();
    for (const file of [...FLOW].reverse()) await ok(world, testData(file));
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    assert.match(channel.header, /Resolved/);
    assert.equal(announcements(world).length, 1);
    assert.deepEqual(world.fake.memberNames(channel.id), ['incident-bot']);
    // The older events are still on the timeline.
    const timeline = world.fake.postsIn(channel.id).map((p) => p.message).join('\n');
    assert.match(timeline, /Acknowledged/);
    assert.match(timeline, /Triggered/);
  });

  test('a late acknowledge never turns Resolved back', async () => {
    world = await startWorld();
    for (const file of ['incident.trigger.json', 'incident.resolve.json', 'incident.acknowledge.json']) await ok(world, testData(file));
    assert.match(world.fake.channelByName('incident-pt4khlk')!.header, /Resolved/);
  });

  test('acknowledge before trigger works', async () => {
    world = await startWorld();
    await ok(world, testData('incident.acknowledge.json'));
    await ok(world, testData('incident.trigger.json'));
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    assert.match(channel.header, /Acknowledged/);
    assert.deepEqual(world.fake.memberNames(channel.id), ['alice', 'bob', 'carol', 'incident-bot']);
    assert.equal(world.fake.postsIn(channel.id).filter((p) => p.props.attachments).length, 1, 'one opening post');
  });
});

describe('concurrency', () => {
  test('10 processes at once for 5 incidents: one channel each, the newest status', async () => {
    world = await startWorld();
    const w = world;
    const ids = ['PCONC01', 'PCONC02', 'PCONC03', 'PCONC04', 'PCONC05'];
    const bodies = ids.flatMap((id, i) => [withIncident('incident.acknowledge.json', id, 100 + i), withIncident('incident.trigger.json', id, 100 + i)]);
    const results = await Promise.all(bodies.map((body) => w.run([body])));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    for (const id of ids) {
      const channels = [...w.fake.channels.values()].filter((c) => c.name.startsWith(`incident-${id.toLowerCase()}`));
      assert.equal(channels.length, 1, id);
      assert.match(channels[0].header, /Acknowledged/, id);
      assert.equal(w.fake.postsIn(channels[0].id).length, 2, `${id}: one post per event`);
      assert.deepEqual(w.fake.memberNames(channels[0].id), ['alice', 'bob', 'carol', 'incident-bot']);
    }
  });

  test('a lock left by a dead process is taken over', async () => {
    world = await startWorld();
    holdLock(world, 'PT4KHLK', 2 ** 22 + 12345);
    await ok(world, testData('incident.trigger.json'));
    assert.ok(world.fake.channelByName('incident-pt4khlk'));
  });

  test('a lock held by a live process past the deadline → 75 and a dead letter', async () => {
    world = await startWorld({ config: { deadline_seconds: 0.5 } });
    holdLock(world, 'PT4KHLK', process.pid);
    const result = await world.run([testData('incident.trigger.json')]);
    assert.equal(result.code, 75);
    assert.match(result.stderr, /being handled by another delivery/);
    assert.equal(deadLetters(world).length, 1);
  });

  test('two hosts: a create that finds the name taken uses the existing channel', async () => {
    world = await startWorld();
    const w = world;
    const other = await startWorld();
    worlds.push(other);
    // Same Mattermost, two state directories: no shared lock, as on two hosts.
    other.writeConfig({ ...other.config, mattermost_api: w.config.mattermost_api, state_dir: join(other.dir, 'state') });
    const [a, b] = await Promise.all([w.run([testData('incident.trigger.json')]), other.run([testData('incident.acknowledge.json')])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    assert.equal([...w.fake.channels.values()].filter((c) => c.name === 'incident-pt4khlk').length, 1);
    assert.match(w.fake.channelByName('incident-pt4khlk')!.header, /Acknowledged/);
  });
});

describe('transient faults', () => {
  test('429 with Retry-After (plain text, as the rate limiter answers) is waited out', async () => {
    world = await startWorld();
    world.fake.faults.push({ match: 'POST /api/v4/channels', times: 2, status: 429, body: 'limit exceeded\n', headers: { 'Retry-After': '0.2', 'X-Ratelimit-Reset': '1' } });
    await ok(world, testData('incident.trigger.json'));
    assert.equal(world.fake.requests.filter((r) => r.path === '/api/v4/channels').length, 3);
    assert.ok(world.fake.channelByName('incident-pt4khlk'));
  });

  test('a dropped connection and 502s on reads are retried', async () => {
    world = await startWorld();
    await ok(world, testData('incident.trigger.json'));
    world.fake.faults.push({ match: 'GET /api/v4/teams/name', times: 1, destroy: true }, { match: 'GET /api/v4/channels', times: 2, status: 502, body: 'bad gateway' });
    await ok(world, testData('incident.acknowledge.json'));
    assert.match(world.fake.channelByName('incident-pt4khlk')!.header, /Acknowledged/);
  });

  test('a slow server within the deadline is fine', async () => {
    world = await startWorld({ latencyMs: 50 });
    await ok(world, testData('incident.trigger.json'));
  });

  test('a 500 on a post is not blindly re-sent (it may have been applied): 75, and the next delivery completes it', async () => {
    world = await startWorld({ config: { deadline_seconds: 1 } });
    world.fake.faults.push({ match: 'POST /api/v4/posts', times: 1, status: 500, body: '{"id":"app.post.save.app_error","message":"db"}' });
    const first = await world.run([testData('incident.trigger.json')]);
    assert.equal(first.code, 75);
    await ok(world, testData('incident.trigger.json'));
    assert.equal(world.fake.postsIn(world.fake.channelByName('incident-pt4khlk')!.id).length, 1);
  });
});

describe('runs that stop half-way', () => {
  test('channel made, invites not: the next delivery of any event completes it', async () => {
    world = await startWorld({ config: { deadline_seconds: 1 } });
    world.fake.faults.push({ match: 'POST /api/v4/channels/', times: Infinity, status: 503, body: 'maintenance' });
    assert.equal((await world.run([testData('incident.trigger.json')])).code, 75);
    const channel = world.fake.channelByName('incident-pt4khlk')!;
    assert.deepEqual(world.fake.memberNames(channel.id), ['incident-bot']);
    world.fake.faults.length = 0;
    await ok(world, testData('incident.acknowledge.json'));
    assert.deepEqual(world.fake.memberNames(channel.id), ['alice', 'bob', 'carol', 'incident-bot']);
    assert.match(channel.header, /Acknowledged/);
    assert.equal(world.fake.postsIn(channel.id).filter((p) => p.props.attachments).length, 1, 'the opening post, once');
  });

  test('a resolve that stopped after the announcement is finished once, not announced twice', async () => {
    world = await startWorld({ config: { deadline_seconds: 1 } });
    await ok(world, testData('incident.trigger.json'));
    world.fake.faults.push({ match: 'DELETE /api/v4/channels/', times: Infinity, status: 503, body: 'maintenance' });
    assert.equal((await world.run([testData('incident.resolve.json')])).code, 75);
    assert.equal(announcements(world).length, 1);
    world.fake.faults.length = 0;
    const retry = await ok(world, testData('incident.resolve.json'));
    assert.match(retry.stdout, /finished closing/);
    assert.equal(announcements(world).length, 1);
    assert.deepEqual(world.fake.memberNames(world.fake.channelByName('incident-pt4khlk')!.id), ['incident-bot']);
    await ok(world, testData('incident.resolve.json'));
    assert.equal(announcements(world).length, 1);
  });
});

describe('outage, dead letters and replay', () => {
  test('Mattermost down for the whole flow: 75 each time, then replay gives the same end state', async () => {
    world = await startWorld({ config: { deadline_seconds: 0.5 } });
    world.fake.faults.push({ match: '*', times: Infinity, destroy: true });
    for (const file of FLOW) {
      const result = await world.run([testData(file)], { env: { PAGERDUTY_SIGNATURE: 'v1=none', PAGERDUTY_WEBHOOK_ID: `delivery-${file}` } });
      assert.equal(result.code, 75);
      assert.match(result.stderr, /kept as a dead letter/);
    }
    assert.equal(deadLetters(world).length, 3);
    const letter = JSON.parse(readFileSync(join(world.dir, 'state', 'dead-letter', deadLetters(world)[0]), 'utf8'));
    assert.equal(letter.body, testData('incident.trigger.json'));
    assert.equal(letter.headers['x-pagerduty-signature'], 'v1=none');
    assert.equal(letter.webhook_id, 'delivery-incident.trigger.json');
    assert.match(letter.reason, /no response/);

    const stillDown = await world.run(['replay']);
    assert.equal(stillDown.code, 75);
    assert.equal(deadLetters(world).length, 3);

    world.fake.faults.length = 0;
    const replay = await world.run(['replay']);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /replayed 3 dead letter\(s\), 0 left/);
    assert.deepEqual(deadLetters(world), []);

    const reference = await startWorld();
    worlds.push(reference);
    for (const file of FLOW) await ok(reference, testData(file));
    assert.deepEqual(visible(world), visible(reference));
  });
});

describe('secrets', () => {
  test('the token appears in no output and no dead letter, on any failure path', async () => {
    const token = 'bot-token-5f2c8e1d9a7b';
    world = await startWorld({ config: { deadline_seconds: 0.5 } });
    const w = world;
    const outputs: string[] = [];
    const run = async (args: string[], env: Record<string, string> = {}) => {
      const r = await w.run(args, { env });
      outputs.push(r.stdout, r.stderr);
    };
    await run([testData('incident.trigger.json')], { MATTERMOST_TOKEN: 'wrong-token-0000' });
    w.fake.faults.push({ match: '*', times: Infinity, status: 500, body: `{"id":"x","message":"echo ${token}"}` });
    await run([testData('incident.trigger.json')]);
    await run(['check']);
    w.fake.faults.length = 0;
    w.fake.faults.push({ match: '*', times: Infinity, destroy: true });
    await run([testData('incident.trigger.json')]);
    await run(['replay']);
    await run(['check']);
    w.fake.faults.length = 0;
    w.fake.faults.push({ match: '*', times: Infinity, status: 429, body: 'limit exceeded', headers: { 'Retry-After': '10' } });
    await run([testData('incident.trigger.json')]);
    await run(['--dry-run', testData('incident.trigger.json')]);
    await run(['{"messages":']);
    w.fake.faults.length = 0;
    w.writeConfig({ ...w.config, notification_settings: { team_name: 5 } });
    await run([testData('incident.trigger.json')]);
    const letters = deadLetters(w).map((n) => readFileSync(join(w.dir, 'state', 'dead-letter', n), 'utf8'));
    assert.ok(letters.length >= 2);
    for (const text of [...outputs, ...letters]) assert.ok(!text.includes(token), `token leaked in: ${text.slice(0, 300)}`);
  });
});

describe('round trips', () => {
  test('the team id is remembered between runs; a stale one is dropped and looked up again', async () => {
    world = await startWorld();
    await ok(world, testData('incident.trigger.json'));
    assert.equal(world.fake.requests.filter((r) => r.operationId === 'GetTeamByName').length, 1);
    await ok(world, withIncident('incident.trigger.json', 'PSECOND', 7));
    assert.equal(world.fake.requests.filter((r) => r.operationId === 'GetTeamByName').length, 1, 'the second trigger used the remembered id');
    // The team is deleted and made again under the same name: a new id.
    const team = world.fake.teams.get(world.team.id)!;
    world.fake.teams.delete(team.id);
    const again = world.fake.addTeam(team.name, [world.bot.id, ...Object.values(world.users).map((u) => u.id)]);
    await ok(world, withIncident('incident.trigger.json', 'PTHIRD', 8));
    const channel = world.fake.channelByName('incident-pthird')!;
    assert.equal(channel.team_id, again.id);
    assert.deepEqual(world.fake.memberNames(channel.id), ['alice', 'bob', 'carol', 'incident-bot']);
  });

  test('a header write that failed while the post went through is repaired by the retry', async () => {
    world = await startWorld({ config: { deadline_seconds: 0.5 } });
    await ok(world, testData('incident.trigger.json'));
    world.fake.faults.push({ match: 'PUT /api/v4/channels/', times: Infinity, status: 503, body: 'maintenance' });
    assert.equal((await world.run([testData('incident.acknowledge.json')])).code, 75);
    assert.match(world.fake.channelByName('incident-pt4khlk')!.header, /Triggered/);
    world.fake.faults.length = 0;
    const retry = await ok(world, testData('incident.acknowledge.json'));
    assert.match(retry.stdout, /header repaired/);
    assert.match(world.fake.channelByName('incident-pt4khlk')!.header, /Acknowledged/);
    assert.equal(world.fake.postsIn(world.fake.channelByName('incident-pt4khlk')!.id).length, 2);
  });
});

describe('a state directory shared by two configs', () => {
  test("replay applies only the letters meant for its own Mattermost and team", async () => {
    world = await startWorld({ config: { deadline_seconds: 0.5 } });
    const other = await startWorld({ config: { deadline_seconds: 0.5, state_dir: join(world.dir, 'state') } });
    worlds.push(other);
    other.fake.faults.push({ match: '*', times: Infinity, destroy: true });
    assert.equal((await other.run([testData('incident.trigger.json')])).code, 75);
    assert.equal(deadLetters(world).length, 1, 'the other config wrote into the shared directory');
    const replay = await world.run(['replay']);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /replayed 0 dead letter/);
    assert.equal(world.fake.channelByName('incident-pt4khlk'), undefined);
    assert.equal(deadLetters(world).length, 1, 'left for its own config');
  });
});

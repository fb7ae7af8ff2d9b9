import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { sharedText, skipUnlessShared } from './helpers/shared';
import { FLOWS } from './helpers/payloads';
import { type World, startWorld, testData } from './helpers/world';

let world: World | undefined;
afterEach(async () => {
  if (world) assert.deepEqual(world.fake.violations, [], 'requests outside the Mattermost spec');
  await world?.close();
  world = undefined;
});

function incidentChannel(w: World, name = 'incident-pt4khlk') {
  const channel = w.fake.channelByName(name);
  assert.ok(channel, `channel ${name} exists`);
  return channel;
}

async function deliver(w: World, body: string) {
  const result = await w.run([body]);
  assert.equal(result.code, 0, `exit 0, stderr: ${result.stderr}`);
  return result;
}

describe('trigger → acknowledge → resolve', () => {
  for (const [generation, files] of Object.entries(FLOWS)) {
    test(`${generation}`, async () => {
      world = await startWorld();
      const w = world;
      const trigger = await deliver(w, testData(files[0]));
      assert.match(trigger.stdout, /PT4KHLK .*created ~incident-pt4khlk/);
      const channel = incidentChannel(w);
      assert.equal(channel.type, 'P');
      assert.equal(channel.display_name, '#1042 Checkout API latency above 2 s');
      assert.match(channel.header, /Triggered/);
      assert.match(channel.header, /\[Incident #1042 \(PT4KHLK\)\]\(https:\/\/acme\.pagerduty\.com\/incidents\/PT4KHLK\)/);
      assert.match(channel.header, /\*\*Urgency:\*\* high/);
      assert.match(channel.header, /Checkout API/);
      assert.deepEqual(w.fake.memberNames(channel.id), ['alice', 'bob', 'carol', 'incident-bot']);
      const opening = w.fake.postsIn(channel.id);
      assert.equal(opening.length, 1);
      const attachments = opening[0].props.attachments as { color: string; fields: { title: string; value: string }[] }[];
      assert.equal(attachments[0].color, '#d0021b');
      assert.ok(attachments[0].fields.some((f) => f.title === 'Assigned to' && f.value === 'Ada Lovelace'));

      await deliver(w, testData(files[1]));
      assert.match(incidentChannel(w).header, /Acknowledged/);
      const timeline = w.fake.postsIn(channel.id);
      assert.equal(timeline.length, 2);
      assert.match(timeline[1].message, /\*\*Acknowledged\*\* by Ada Lovelace · 2026-03-02 09:17:30 UTC/);

      const resolve = await deliver(w, testData(files[2]));
      assert.match(resolve.stdout, /announced in ~town-square/);
      assert.match(incidentChannel(w).header, /Resolved/);
      const townSquare = w.fake.channelByName('town-square')!;
      const announcement = w.fake.postsIn(townSquare.id).at(-1)!;
      assert.match(announcement.message, /Incident #1042 \(PT4KHLK\) Checkout API latency above 2 s\]\(https:\/\/acme\.pagerduty\.com\/incidents\/PT4KHLK\) has been resolved/);
      assert.match(announcement.message, /Resolution time:\*\* 1 h/);
      assert.match(announcement.message, /Resolved by:\*\* Ada Lovelace/);
      assert.deepEqual(w.fake.memberNames(channel.id), ['incident-bot']);
    });
  }
});

describe('the recipe contract', () => {
  test('a team not named a-team, and a URL without a trailing slash', async () => {
    world = await startWorld({ teamName: 'platform-sre', urlSuffix: '' });
    await deliver(world, testData('incident.trigger.json'));
    await deliver(world, testData('incident.acknowledge.json'));
    const channel = incidentChannel(world);
    assert.equal(world.fake.teams.get(channel.team_id)!.name, 'platform-sre');
    assert.match(channel.header, /Acknowledged/);
    assert.ok(![...world.fake.teams.values()].some((t) => t.name === 'a-team'));
  });

  test('legacy login with login_id and password', async () => {
    world = await startWorld({ auth: 'login' });
    await deliver(world, testData('incident.trigger.json'));
    assert.equal(world.fake.requests[0].operationId, 'Login');
    assert.deepEqual(world.fake.memberNames(incidentChannel(world).id), ['alice', 'bob', 'carol', 'incident-bot']);
  });

  test('the public V2 samples work with the recipe channel name', { skip: skipUnlessShared('pagerduty-payloads/v2') }, async () => {
    world = await startWorld();
    await deliver(world, sharedText('pagerduty-payloads', 'v2/trigger.json'));
    await deliver(world, sharedText('pagerduty-payloads', 'v2/acknowledge.json'));
    await deliver(world, sharedText('pagerduty-payloads', 'v2/resolve.json'));
    const channel = incidentChannel(world, 'incident-prordty');
    assert.match(channel.header, /Resolved/);
    const announcement = world.fake.postsIn(world.fake.channelByName('town-square')!.id).at(-1)!;
    assert.match(announcement.message, /Resolution time:\*\* 3 min 33 s/);
  });

  test('an unknown alert user is a warning and the others are still invited', async () => {
    world = await startWorld({ alertUsers: ['alice', 'bob'], config: { notification_settings: { alert_users: ['alice', 'ghost', 'bob'] } } });
    const result = await deliver(world, testData('incident.trigger.json'));
    assert.match(result.stderr, /warning: Mattermost user "ghost" does not exist/);
    assert.deepEqual(world.fake.memberNames(incidentChannel(world).id), ['alice', 'bob', 'incident-bot']);
  });

  test('a server before 9.11 gets one add per user', async () => {
    world = await startWorld({ serverVersion: '9.5.0' });
    await deliver(world, testData('incident.trigger.json'));
    assert.deepEqual(world.fake.memberNames(incidentChannel(world).id), ['alice', 'bob', 'carol', 'incident-bot']);
  });

  test('a 2000-character title stays within the server limits', async () => {
    world = await startWorld();
    const body = JSON.parse(testData('incident.trigger.json'));
    body.messages[0].incident.title = 'Disk full on db-1 '.repeat(112).slice(0, 2000);
    await deliver(world, JSON.stringify(body));
    const channel = incidentChannel(world);
    assert.ok(Array.from(channel.display_name).length <= 64);
    assert.ok(Array.from(channel.header).length <= 1024);
    assert.match(channel.header, /Disk full on db/);
  });

  test('an acknowledge without a trigger creates the channel and invites, nothing is lost', async () => {
    world = await startWorld();
    await deliver(world, testData('incident.acknowledge.json'));
    const channel = incidentChannel(world);
    assert.match(channel.header, /Acknowledged/);
    assert.deepEqual(world.fake.memberNames(channel.id), ['alice', 'bob', 'carol', 'incident-bot']);
  });
});

describe('PagerDuty text cannot mention or inject', () => {
  test('@channel, links and images in the title are inert', async () => {
    world = await startWorld();
    const body = JSON.parse(testData('incident.trigger.json'));
    body.messages[0].incident.title = '@channel @here look ![x](https://evil.example/i.png) [click](https://evil.example) <b>';
    await deliver(world, JSON.stringify(body));
    const channel = incidentChannel(world);
    // What Mattermost renders; the tool's record in the props is data no client shows.
    const { mattermost_incident: _record, ...rendered } = world.fake.postsIn(channel.id)[0].props;
    for (const text of [channel.header, channel.display_name, world.fake.postsIn(channel.id)[0].message, JSON.stringify(rendered)]) {
      assert.doesNotMatch(text, /@(channel|here|all)\b/);
      assert.doesNotMatch(text, /!\[x\]\(/);
      assert.doesNotMatch(text, /(?<!\\)\[click\]\(/);
    }
  });
});

describe('plain text stays as sent', () => {
  test('a title with hyphens, digits and a percent sign is byte-identical in the header and the posts', async () => {
    world = await startWorld();
    const body = JSON.parse(testData('incident.trigger.json'));
    body.messages[0].incident.title = 'Disk usage 95% on db-replica-03';
    await deliver(world, JSON.stringify(body));
    const channel = incidentChannel(world);
    assert.ok(channel.header.includes(' · Disk usage 95% on db-replica-03\n'), channel.header);
    assert.equal(channel.display_name, '#1042 Disk usage 95% on db-replica-03');
    assert.ok(JSON.stringify(world.fake.postsIn(channel.id)[0].props).includes('Disk usage 95% on db-replica-03'));
  });
});

describe('request counts', () => {
  for (const users of [3, 50]) {
    test(`trigger with ${users} alert users makes at most 5 requests, a status change at most 4`, async () => {
      const names = Array.from({ length: users }, (_, i) => `user${i}`);
      world = await startWorld({ alertUsers: names });
      await deliver(world, testData('incident.trigger.json'));
      assert.ok(world.fake.requests.length <= 5, `trigger made ${world.fake.requests.length} requests`);
      assert.equal(world.fake.memberNames(incidentChannel(world).id).length, users + 1);
      const before = world.fake.requests.length;
      await deliver(world, testData('incident.acknowledge.json'));
      assert.ok(world.fake.requests.length - before <= 4, `acknowledge made ${world.fake.requests.length - before} requests`);
    });
  }

  test('a legacy login adds exactly one request', async () => {
    world = await startWorld({ auth: 'login' });
    await deliver(world, testData('incident.trigger.json'));
    assert.ok(world.fake.requests.length <= 6);
    const before = world.fake.requests.length;
    await deliver(world, testData('incident.acknowledge.json'));
    assert.ok(world.fake.requests.length - before <= 5);
  });
});

describe('--dry-run', () => {
  test('prints the calls and makes no write', async () => {
    world = await startWorld();
    const result = await world.run(['--dry-run', testData('incident.trigger.json')]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /would POST \/api\/v4\/channels/);
    assert.match(result.stdout, /would POST \/api\/v4\/posts/);
    assert.deepEqual(world.fake.writes(), []);
    assert.equal(world.fake.channelByName('incident-pt4khlk'), undefined);
  });
});

describe('V3 notes on the timeline', () => {
  test('a note, a status update and a conference bridge are posted to the channel; the header stays', async () => {
    world = await startWorld();
    const w = world;
    await deliver(w, testData('v3/incident.triggered.json'));
    const channel = incidentChannel(w);
    const header = channel.header;
    for (const file of ['v3/incident.annotated.json', 'v3/incident.status_update_published.json', 'v3/incident.conference_bridge.updated.json']) await deliver(w, testData(file));
    const messages = w.fake.postsIn(channel.id).map((p) => p.message);
    assert.match(messages[1], /Note added\*\* by Ada Lovelace[\s\S]*> Running KILL on long-running queries/);
    assert.match(messages[2], /Status update\*\*[\s\S]*> Investigating a P1 incident/);
    assert.match(messages[3], /\[Join the conference bridge\]\(https:\/\/meet\.example\.com\/pt4khlk\)/);
    assert.equal(channel.header, header);
  });
});

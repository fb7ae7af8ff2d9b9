/** The people PagerDuty pages follow the incident into its channel. */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { FakePagerDuty } from './fake/fake-pagerduty';
import { type World, sharedPayload, startWorld } from './helpers/world';

const PD_TOKEN = 'pd-api-token-7c1e9b';
let world: World | undefined;
let pagerduty: FakePagerDuty | undefined;
afterEach(async () => {
  if (world) assert.deepEqual(world.fake.violations, []);
  await world?.close();
  await pagerduty?.close();
  world = undefined;
  pagerduty = undefined;
});

/** A world with Mattermost users for the people in the shared samples, and a PagerDuty API that knows them. */
async function setup(config: Record<string, any> = {}, options: { apiToken?: string | null } = {}) {
  pagerduty = await new FakePagerDuty(PD_TOKEN).start();
  for (const [id, name, email] of [
    ['P553OPV', 'Laura Haley', 'laura.haley@example.com'],
    ['PFBSJ2Z', 'Wiley Jacobson', 'wiley.jacobson@example.com'],
    ['PJ0LVEB', 'PIG 208', 'pig208@example.com'],
    ['PI9DT01', 'Test User', 'test.user@example.com'],
    ['PXRUEF2', 'Harsh Santwani', 'harsh@example.com'],
  ]) pagerduty.addUser(id, name, email);
  const apiToken = options.apiToken === undefined ? PD_TOKEN : options.apiToken;
  world = await startWorld({
    alertUsers: ['alice'],
    config: { pagerduty: { ...(apiToken ? { api_token: apiToken } : {}), api_url: pagerduty.url }, ...config },
  });
  for (const [username, email] of [
    ['laura', 'laura.haley@example.com'],
    ['wiley', 'wiley.jacobson@example.com'],
    ['nina', 'nina.gulgowski@example.com'],
    ['pig', 'pig208@example.com'],
    ['testuser', 'test.user@example.com'],
    ['harsh', 'harsh@example.com'],
    ['lauramm', 'laura.mm@example.com'],
  ]) world.fake.addTeamMember(world.team.id, world.fake.addUser(username, { email }).id);
  return world;
}

async function deliver(w: World, file: string) {
  const result = await w.run([sharedPayload(file)]);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

function members(w: World, name: string) {
  const channel = w.fake.channelByName(name);
  assert.ok(channel, name);
  return w.fake.memberNames(channel.id);
}

function lastPost(w: World, name: string) {
  return w.fake.postsIn(w.fake.channelByName(name)!.id).at(-1)!.message;
}

describe('each event type brings its people in', () => {
  test('V1: trigger, assign, escalate, delegate, by the e-mail in the payload (no PagerDuty call)', async () => {
    const w = await setup();
    await deliver(w, 'v1/trigger.json');
    assert.deepEqual(members(w, 'incident-prordty'), ['alice', 'incident-bot', 'laura']);
    await deliver(w, 'v1/assign.json');
    assert.deepEqual(members(w, 'incident-prordty'), ['alice', 'incident-bot', 'laura', 'wiley']);
    assert.match(lastPost(w, 'incident-prordty'), /Added to the channel: wiley/);
    await deliver(w, 'v1/escalate.json');
    assert.ok(members(w, 'incident-prordty').includes('nina'));
    await deliver(w, 'v1/delegate.json');
    assert.deepEqual(pagerduty!.requests, []);
  });

  test('V2: trigger and assign, by the PagerDuty API', async () => {
    const w = await setup();
    await deliver(w, 'v2/trigger.json');
    assert.deepEqual(members(w, 'incident-prordty'), ['alice', 'incident-bot', 'laura']);
    await deliver(w, 'v2/assign.json');
    assert.deepEqual(members(w, 'incident-prordty'), ['alice', 'incident-bot', 'laura', 'wiley']);
    assert.ok(pagerduty!.requests.every((r) => r.authorization === `Token token=${PD_TOKEN}`));
  });

  test('V3: triggered, reassigned, escalated, delegated and responder.added', async () => {
    const w = await setup();
    await deliver(w, 'v3/triggered.json');
    assert.deepEqual(members(w, 'incident-pfqzpsy'), ['alice', 'incident-bot', 'pig']);
    await deliver(w, 'v3/reassigned.json');
    assert.ok(members(w, 'incident-piqug8x').includes('testuser'));
    await deliver(w, 'v3/escalated.json');
    assert.ok(members(w, 'incident-q3b15vlmf3asbd').includes('harsh'));
    assert.match(w.fake.postsIn(w.fake.channelByName('incident-q3b15vlmf3asbd')!.id)[0].message, /Added to the channel: alice, harsh/);
    w.fake.channelMembers.get(w.fake.channelByName('incident-q3b15vlmf3asbd')!.id)!.delete(w.fake.users.get([...w.fake.users.values()].find((u) => u.username === 'harsh')!.id)!.id);
    await deliver(w, 'v3/delegated.json');
    assert.ok(members(w, 'incident-q3b15vlmf3asbd').includes('harsh'));
    w.fake.channelMembers.get(w.fake.channelByName('incident-q3b15vlmf3asbd')!.id)!.delete([...w.fake.users.values()].find((u) => u.username === 'harsh')!.id);
    await deliver(w, 'v3/responder_added.json');
    assert.ok(members(w, 'incident-q3b15vlmf3asbd').includes('harsh'));
    assert.match(lastPost(w, 'incident-q3b15vlmf3asbd'), /Responder requested\*\* Harsh Santwani \(pending\)/);
  });

  test('on resolve they leave with the alert users', async () => {
    const w = await setup();
    await deliver(w, 'v2/trigger.json');
    await deliver(w, 'v2/assign.json');
    await deliver(w, 'v2/resolve.json');
    assert.deepEqual(members(w, 'incident-prordty'), ['incident-bot']);
    assert.match(lastPost(w, 'incident-prordty'), /alice, laura, wiley were released/);
  });
});

describe('mapping', () => {
  test('user_map comes first, by PagerDuty id or by e-mail', async () => {
    const w = await setup({ notification_settings: { team_name: 'ops', alert_users: ['alice'], user_map: { P553OPV: 'lauramm', 'wiley.jacobson@example.com': 'alice' } } });
    await deliver(w, 'v1/assign.json');
    assert.deepEqual(members(w, 'incident-prordty'), ['alice', 'incident-bot', 'lauramm']);
    assert.deepEqual(pagerduty!.requests, []);
  });

  test('the e-mail in the payload comes before the PagerDuty API', async () => {
    const w = await setup();
    await deliver(w, 'v1/trigger.json');
    assert.equal(pagerduty!.requests.length, 0);
    assert.ok(w.fake.requests.some((r) => r.operationId === 'GetUserByEmail'));
  });

  test('at most one PagerDuty call per user per run', async () => {
    const w = await setup();
    const trigger = JSON.parse(sharedPayload('v2/trigger.json'));
    const second = JSON.parse(sharedPayload('v2/trigger.json')).messages[0];
    Object.assign(second, { event: 'incident.escalate', id: 'escalate-1', created_on: '2017-09-26T15:20:00Z' });
    trigger.messages.push(second);
    const result = await w.run([JSON.stringify(trigger)]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(pagerduty!.requests.filter((r) => r.path.includes('P553OPV')).length, 1);
  });

  test('unmapped users are named in the timeline post, so a human can invite them', async () => {
    const w = await setup({}, { apiToken: null });
    await deliver(w, 'v2/trigger.json');
    assert.deepEqual(members(w, 'incident-prordty'), ['alice', 'incident-bot']);
    assert.match(lastPost(w, 'incident-prordty'), /Not found in Mattermost, please invite by hand: Laura Haley/);
  });

  test('PagerDuty API down: the event still applies, the timeline says who is missing', async () => {
    const w = await setup();
    pagerduty!.down = true;
    const result = await deliver(w, 'v2/trigger.json');
    assert.match(result.stderr, /PagerDuty user P553OPV \(Laura Haley\) not looked up/);
    assert.deepEqual(members(w, 'incident-prordty'), ['alice', 'incident-bot']);
    assert.match(lastPost(w, 'incident-prordty'), /please invite by hand: Laura Haley/);
    assert.equal(pagerduty!.requests.length, 1, 'no retry storm');
  });

  test('a bad PagerDuty token is not fatal either', async () => {
    const w = await setup({}, { apiToken: 'wrong-token' });
    await deliver(w, 'v2/trigger.json');
    assert.match(lastPost(w, 'incident-prordty'), /please invite by hand: Laura Haley/);
  });
});

describe('check', () => {
  test('reports unmapped user_map entries and a valid API token', async () => {
    const w = await setup({ notification_settings: { team_name: 'ops', alert_users: ['alice'], user_map: { P553OPV: 'laura', PFBSJ2Z: 'nobody-here' } } });
    const result = await w.run(['check']);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^ok +user_map p553opv → @laura exists/m);
    assert.match(result.stdout, /^FAIL +user_map pfbsj2z → @nobody-here: no such Mattermost user/m);
    assert.match(result.stdout, /^ok +PagerDuty API token is valid/m);
  });

  test('reports a bad API token', async () => {
    const w = await setup({}, { apiToken: 'wrong-token' });
    const result = await w.run(['check']);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^FAIL +PagerDuty API token is not valid/m);
    assert.ok(!result.stdout.includes('wrong-token'));
  });
});

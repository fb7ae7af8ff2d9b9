/** The people PagerDuty pages follow the incident into its channel. */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { FakePagerDuty } from './fake/fake-pagerduty';
import { type World, startWorld, testData } from './helpers/world';

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

/** A world with Mattermost users for the people in test_data, and a PagerDuty API that knows them. */
async function setup(config: Record<string, any> = {}, options: { apiToken?: string | null } = {}) {
  pagerduty = await new FakePagerDuty(PD_TOKEN).start();
  for (const [id, name, email] of [
    ['PUSR0AD', 'Ada Lovelace', 'ada@example.com'],
    ['PUSR0GH', 'Grace Hopper', 'grace@example.com'],
    ['PUSR0AT', 'Alan Turing', 'alan@example.com'],
    ['PUSR0KJ', 'Katherine Johnson', 'katherine@example.com'],
  ]) pagerduty.addUser(id, name, email);
  const apiToken = options.apiToken === undefined ? PD_TOKEN : options.apiToken;
  world = await startWorld({
    alertUsers: ['alice'],
    config: { pagerduty: { ...(apiToken ? { api_token: apiToken } : {}), api_url: pagerduty.url }, ...config },
  });
  for (const [username, email] of [
    ['ada', 'ada@example.com'],
    ['grace', 'grace@example.com'],
    ['alan', 'alan@example.com'],
    ['katherine', 'katherine@example.com'],
    ['adamm', 'ada.mm@example.com'],
  ]) world.fake.addTeamMember(world.team.id, world.fake.addUser(username, { email }).id);
  return world;
}

async function deliver(w: World, file: string | object) {
  const result = await w.run([typeof file === 'string' ? testData(file) : JSON.stringify(file)]);
  assert.equal(result.code, 0, result.stderr);
  return result;
}

const CHANNEL = 'incident-pt4khlk';

function members(w: World, name = CHANNEL) {
  const channel = w.fake.channelByName(name);
  assert.ok(channel, name);
  return w.fake.memberNames(channel.id);
}

function lastPost(w: World, name = CHANNEL) {
  return w.fake.postsIn(w.fake.channelByName(name)!.id).at(-1)!.message;
}

function removeMember(w: World, username: string) {
  const user = [...w.fake.users.values()].find((u) => u.username === username)!;
  w.fake.channelMembers.get(w.fake.channelByName(CHANNEL)!.id)!.delete(user.id);
}

describe('each event type brings its people in', () => {
  test('V1: trigger, assign, escalate, delegate, by the e-mail in the payload (no PagerDuty call)', async () => {
    const w = await setup();
    await deliver(w, 'v1/incident.trigger.json');
    assert.deepEqual(members(w), ['ada', 'alice', 'incident-bot']);
    await deliver(w, 'v1/incident.assign.json');
    assert.deepEqual(members(w), ['ada', 'alice', 'grace', 'incident-bot']);
    assert.match(lastPost(w), /Added to the channel: grace/);
    await deliver(w, 'v1/incident.escalate.json');
    assert.ok(members(w).includes('alan'));
    removeMember(w, 'grace');
    await deliver(w, 'v1/incident.delegate.json');
    assert.ok(members(w).includes('grace'));
    assert.deepEqual(pagerduty!.requests, []);
  });

  test('V2: trigger and assign, by the PagerDuty API', async () => {
    const w = await setup();
    await deliver(w, 'incident.trigger.json');
    assert.deepEqual(members(w), ['ada', 'alice', 'incident-bot']);
    await deliver(w, 'incident.assign.json');
    assert.deepEqual(members(w), ['ada', 'alice', 'grace', 'incident-bot']);
    assert.ok(pagerduty!.requests.length > 0);
    assert.ok(pagerduty!.requests.every((r) => r.authorization === `Token token=${PD_TOKEN}`));
  });

  test('V3: triggered, reassigned, escalated, delegated and responder.added', async () => {
    const w = await setup();
    await deliver(w, 'v3/incident.triggered.json');
    assert.deepEqual(members(w), ['ada', 'alice', 'incident-bot']);
    assert.match(w.fake.postsIn(w.fake.channelByName(CHANNEL)!.id)[0].message, /Added to the channel: (ada, alice|alice, ada)/);
    await deliver(w, 'v3/incident.reassigned.json');
    assert.ok(members(w).includes('grace'));
    await deliver(w, 'v3/incident.escalated.json');
    assert.ok(members(w).includes('alan'));
    removeMember(w, 'grace');
    await deliver(w, 'v3/incident.delegated.json');
    assert.ok(members(w).includes('grace'));
    await deliver(w, 'v3/incident.responder.added.json');
    assert.ok(members(w).includes('katherine'));
    assert.match(lastPost(w), /Responder requested\*\* Katherine Johnson \(pending\)/);
  });

  test('on resolve they leave with the alert users', async () => {
    const w = await setup();
    await deliver(w, 'incident.trigger.json');
    await deliver(w, 'incident.assign.json');
    await deliver(w, 'incident.resolve.json');
    assert.deepEqual(members(w), ['incident-bot']);
    const released = /transcript\. (.*) were released/.exec(lastPost(w))?.[1].split(', ').sort();
    assert.deepEqual(released, ['ada', 'alice', 'grace']);
  });
});

describe('mapping', () => {
  test('user_map comes first, by PagerDuty id or by e-mail', async () => {
    const w = await setup({ notification_settings: { team_name: 'ops', alert_users: ['alice'], user_map: { PUSR0AD: 'adamm', 'grace@example.com': 'katherine' } } });
    await deliver(w, 'v1/incident.trigger.json');
    await deliver(w, 'v1/incident.assign.json');
    assert.deepEqual(members(w), ['adamm', 'alice', 'incident-bot', 'katherine']);
    assert.deepEqual(pagerduty!.requests, []);
  });

  test('the e-mail in the payload comes before the PagerDuty API', async () => {
    const w = await setup();
    await deliver(w, 'v1/incident.trigger.json');
    assert.equal(pagerduty!.requests.length, 0);
    assert.ok(w.fake.requests.some((r) => r.operationId === 'GetUserByEmail'));
  });

  test('at most one PagerDuty call per user per run', async () => {
    const w = await setup();
    const trigger = JSON.parse(testData('incident.trigger.json'));
    const second = JSON.parse(testData('incident.trigger.json')).messages[0];
    Object.assign(second, { event: 'incident.escalate', id: 'escalate-1', created_on: '2026-03-02T09:20:00Z' });
    trigger.messages.push(second);
    await deliver(w, trigger);
    assert.equal(pagerduty!.requests.filter((r) => r.path.includes('PUSR0AD')).length, 1);
  });

  test('unmapped users are named in the timeline post, so a human can invite them', async () => {
    const w = await setup({}, { apiToken: null });
    await deliver(w, 'incident.trigger.json');
    assert.deepEqual(members(w), ['alice', 'incident-bot']);
    assert.match(lastPost(w), /Not found in Mattermost, please invite by hand: Ada Lovelace/);
  });

  test('PagerDuty API down: the event still applies, the timeline says who is missing', async () => {
    const w = await setup();
    pagerduty!.down = true;
    const result = await deliver(w, 'incident.trigger.json');
    assert.match(result.stderr, /PagerDuty user PUSR0AD \(Ada Lovelace\) not looked up/);
    assert.deepEqual(members(w), ['alice', 'incident-bot']);
    assert.match(lastPost(w), /please invite by hand: Ada Lovelace/);
    assert.equal(pagerduty!.requests.length, 1, 'no retry storm');
  });

  test('a bad PagerDuty token is not fatal either', async () => {
    const w = await setup({}, { apiToken: 'wrong-token' });
    await deliver(w, 'incident.trigger.json');
    assert.match(lastPost(w), /please invite by hand: Ada Lovelace/);
  });
});

describe('check', () => {
  test('reports unmapped user_map entries and a valid API token', async () => {
    const w = await setup({ notification_settings: { team_name: 'ops', alert_users: ['alice'], user_map: { PUSR0AD: 'ada', PUSR0GH: 'nobody-here' } } });
    const result = await w.run(['check']);
    assert.equal(result.code, 2);
    assert.match(result.stdout, /^ok +user_map pusr0ad → @ada exists/m);
    assert.match(result.stdout, /^FAIL +user_map pusr0gh → @nobody-here: no such Mattermost user/m);
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

/** Alertmanager, Grafana and Opsgenie through the same incident flow as PagerDuty, and routes per team. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import type { FakeChannel } from './fake/fake-mattermost';
import { type RunResult, type World, startWorld, testData } from './helpers/world';

let world: World | undefined;
afterEach(async () => {
  if (world) assert.deepEqual(world.fake.violations, []);
  await world?.close();
  world = undefined;
});

async function send(w: World, source: string, body: string, env: Record<string, string> = {}): Promise<RunResult> {
  const result = await w.run(['--source', source, '--body', body], { env });
  assert.equal(result.code, 0, `${source}: ${result.stdout}${result.stderr}`);
  return result;
}

function channelsOf(w: World, prefix: string): FakeChannel[] {
  return [...w.fake.channels.values()].filter((c) => c.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
}

const timeline = (w: World, c: FakeChannel) => w.fake.postsIn(c.id).map((p) => p.message);
const announcements = (w: World) => w.fake.postsIn(w.fake.channelByName('town-square')!.id).filter((p) => p.user_id === w.bot.id);

/** An Alertmanager message whose alerts started later: the group firing again, a new occurrence. */
function refired(minutes: number): string {
  const body = JSON.parse(testData('alertmanager/firing.json'));
  for (const alert of body.alerts) alert.startsAt = new Date(Date.parse(alert.startsAt) + minutes * 60_000).toISOString();
  return JSON.stringify(body);
}

describe('Alertmanager', () => {
  test('firing → part resolved → resolved: one channel, what changed on the timeline, counts in the header, the announcement', async () => {
    world = await startWorld();
    const first = await send(world, 'alertmanager', testData('alertmanager/firing.json'));
    assert.match(first.stdout, /created ~am-highmemoryload-[0-9a-f]{6}, 3 invited/);
    const [channel] = channelsOf(world, 'am-highmemoryload-');
    assert.equal(channel.display_name, 'HighMemoryLoad');
    assert.equal(channel.type, 'P');
    assert.match(channel.header, /^🔴 \*\*Firing\*\* · \[Alertmanager alerts\]\(http:\/\/prometheus\.example\.com/);
    assert.match(channel.header, /\*\*Alerts:\*\* 2 firing of 2 · \*\*Severity:\*\* critical · \*\*Service:\*\* checkout · \*\*Labels:\*\* alertname=HighMemoryLoad/);
    assert.match(channel.header, /\[Alertmanager\]\(http:\/\/alertmanager\.example\.com:9093\/\)/);
    const opening = world.fake.postsIn(channel.id)[0];
    const fields = (opening.props.attachments as { fields: { title: string; value: string }[] }[])[0].fields;
    assert.match(fields.find((f) => f.title === 'Alerts (2)')!.value, /🔴 \[Memory above 90% on db-1\]/);

    await send(world, 'alertmanager', testData('alertmanager/part-resolved.json'));
    assert.match(timeline(world, channel).at(-1)!, /\*\*1 resolved, 1 still firing\*\*[\s\S]*Resolved: \[Memory above 90% on db-1\]/);
    assert.match(channel.header, /\*\*Alerts:\*\* 1 firing of 2/);

    await send(world, 'alertmanager', testData('alertmanager/resolved.json'));
    assert.match(channel.header, /^🟢 \*\*Resolved\*\*/);
    const last = timeline(world, channel);
    assert.match(last.at(-2)!, /\*\*All alerts resolved\*\*[\s\S]*Resolved: \[Memory above 90% on db-2\]/);
    assert.doesNotMatch(last.at(-2)!, /db-1/, 'only what changed since the last message');
    assert.equal(announcements(world).length, 1);
    assert.match(announcements(world)[0].message, /Alertmanager alerts HighMemoryLoad\]\(http:\/\/prometheus\.example\.com[^)]*\) has been resolved/);
    assert.deepEqual(world.fake.memberNames(channel.id), ['incident-bot']);
  });

  test('a repeat, a clustered peer\'s copy and a resend make no post', async () => {
    world = await startWorld();
    for (let i = 0; i < 3; i++) await send(world, 'alertmanager', testData('alertmanager/firing.json'));
    // A resend after a failed flush, with one alert left out: absent is not resolved.
    const partial = JSON.parse(testData('alertmanager/firing.json'));
    partial.alerts = partial.alerts.slice(1);
    const resend = await send(world, 'alertmanager', JSON.stringify(partial));
    assert.match(resend.stdout, /nothing new for ~am-highmemoryload-/);
    const [channel] = channelsOf(world, 'am-highmemoryload-');
    assert.equal(world.fake.postsIn(channel.id).length, 1);
    assert.match(channel.header, /2 firing of 2/);
  });

  test('a late firing message for alerts already resolved changes nothing', async () => {
    world = await startWorld();
    for (const file of ['firing', 'resolved']) await send(world, 'alertmanager', testData(`alertmanager/${file}.json`));
    const late = JSON.parse(testData('alertmanager/firing.json'));
    late.groupKey = late.groupKey;
    late.alerts[0].annotations.description = 'the same alert, a peer sending it late';
    await send(world, 'alertmanager', JSON.stringify(late));
    const [channel] = channelsOf(world, 'am-highmemoryload-');
    assert.match(channel.header, /Resolved/);
    assert.equal(channelsOf(world, 'am-highmemoryload-').length, 1);
    assert.equal(announcements(world).length, 1);
  });

  test('firing again within reopen_within reopens the same channel; after it, a new incident in a new channel', async () => {
    world = await startWorld();
    for (const file of ['firing', 'resolved']) await send(world, 'alertmanager', testData(`alertmanager/${file}.json`));
    await send(world, 'alertmanager', refired(30));
    let channels = channelsOf(world, 'am-highmemoryload-');
    assert.equal(channels.length, 1, 'a flap within reopen_within: the same channel');
    assert.match(channels[0].header, /Firing/);
    assert.match(timeline(world, channels[0]).at(-1)!, /reopened/);
    assert.deepEqual(world.fake.memberNames(channels[0].id), ['alice', 'bob', 'carol', 'incident-bot']);

    await send(world, 'alertmanager', JSON.stringify({ ...JSON.parse(refired(30)), status: 'resolved', alerts: JSON.parse(refired(30)).alerts.map((a: any) => ({ ...a, status: 'resolved', endsAt: '2026-03-02T11:00:00.000Z' })) }));
    world.writeConfig({ ...world.config, sources: { alertmanager: { reopen_within: '0s' } } });
    const episode = await send(world, 'alertmanager', refired(120));
    assert.match(episode.stdout, /created ~am-highmemoryload-[0-9a-f]{6}-2/);
    channels = channelsOf(world, 'am-highmemoryload-');
    assert.equal(channels.length, 2, 'a new episode: a new channel');
    assert.match(channels[1].header, /Firing/);
    assert.equal(world.fake.postsIn(channels[1].id).filter((p) => p.props.attachments).length, 1, 'with its own opening post');
    assert.equal(announcements(world).length, 2, 'each episode was announced once');
  });

  test('a message that leaves alerts out never resolves the group, and says how many', async () => {
    world = await startWorld();
    await send(world, 'alertmanager', testData('alertmanager/firing.json'));
    await send(world, 'alertmanager', testData('alertmanager/truncated-resolved.json'));
    const [channel] = channelsOf(world, 'am-highmemoryload-');
    assert.match(channel.header, /Firing/);
    assert.match(channel.header, /3 more not shown by the sender/);
    assert.match(timeline(world, channel).at(-1)!, /3 more alerts were not shown by the sender/);
    assert.equal(announcements(world).length, 0);
  });

  test('a resolution with no open incident opens no channel', async () => {
    world = await startWorld();
    const result = await send(world, 'alertmanager', testData('alertmanager/resolved.json'));
    assert.match(result.stdout, /no open incident for these alerts, nothing to do/);
    assert.equal(channelsOf(world, 'am-').length, 0);
  });

  test('with credentials configured, a delivery without or with the wrong ones is refused before any request', async () => {
    world = await startWorld({ config: { sources: { alertmanager: { authorization: ['Bearer am-s3cret-token'] } } } });
    const none = await world.run(['--source', 'alertmanager', '--body', testData('alertmanager/firing.json')]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /credentials missing: Alertmanager deliveries must carry an Authorization header/);
    const wrong = await world.run(['--source', 'alertmanager', '--body', testData('alertmanager/firing.json')], { env: { MATTERMOST_INCIDENT_AUTHORIZATION: 'Bearer guess' } });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /credentials refused/);
    assert.equal(world.fake.requests.length, 0);
    await send(world, 'alertmanager', testData('alertmanager/firing.json'), { MATTERMOST_INCIDENT_AUTHORIZATION: 'Bearer am-s3cret-token' });
    assert.equal(channelsOf(world, 'am-').length, 1);
    assert.ok(!`${none.stderr}${wrong.stderr}`.includes('am-s3cret-token'));
  });
});

describe('Grafana', () => {
  const secret = 'grafana-hmac-s3cret';
  const sign = (body: string, timestamp?: string) => createHmac('sha256', secret).update(timestamp ? `${timestamp}:${body}` : body).digest('hex');

  test('firing → resolved, with Grafana\'s links, values and image', async () => {
    world = await startWorld();
    await send(world, 'grafana', testData('grafana/firing.json'));
    const [channel] = channelsOf(world, 'grafana-api-error-rate-');
    assert.equal(channel.display_name, 'Error rate above 5% on checkout-api');
    assert.match(channel.header, /\[Dashboard\]\(https:\/\/grafana\.example\.com\/d\/checkout\?orgId=1\)/);
    const attachment = (world.fake.postsIn(channel.id)[0].props.attachments as any[])[0];
    assert.equal(attachment.image_url, 'https://grafana.example.com/public/img/attachments/panel-4.png');
    const fields = Object.fromEntries(attachment.fields.map((f: any) => [f.title, f.value]));
    assert.equal(fields.Values, 'A=7.3, B=1');
    assert.match(fields.Links, /\[Panel\]\(.*\[Silence\]\(/);
    await send(world, 'grafana', testData('grafana/resolved.json'));
    assert.match(channel.header, /Resolved/);
    assert.equal(announcements(world).length, 1);
  });

  test('signed: with webhook_secrets the signature is checked on the raw bytes, with or without a timestamp', async () => {
    world = await startWorld({ config: { sources: { grafana: { webhook_secrets: [secret] } } } });
    const body = testData('grafana/firing.json');
    const unsigned = await world.run(['--source', 'grafana', '--body', body]);
    assert.equal(unsigned.code, 2);
    assert.match(unsigned.stderr, /signature missing/);
    const forged = await world.run(['--source', 'grafana', '--body', body], { env: { GRAFANA_SIGNATURE: sign(`${body} `) } });
    assert.equal(forged.code, 2);
    assert.match(forged.stderr, /signature mismatch/);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    const stale = await world.run(['--source', 'grafana', '--body', body], { env: { GRAFANA_SIGNATURE: sign(body, old), GRAFANA_SIGNATURE_TIMESTAMP: old } });
    assert.equal(stale.code, 2);
    assert.match(stale.stderr, /signature too old/);
    assert.equal(world.fake.requests.length, 0);
    const now = String(Math.floor(Date.now() / 1000));
    await send(world, 'grafana', body, { GRAFANA_SIGNATURE: sign(body, now), GRAFANA_SIGNATURE_TIMESTAMP: now });
    await send(world, 'grafana', testData('grafana/resolved.json'), { GRAFANA_SIGNATURE: sign(testData('grafana/resolved.json')) });
    assert.match(channelsOf(world, 'grafana-')[0].header, /Resolved/);
  });

  test('unsigned is fine when no secret is configured', async () => {
    world = await startWorld();
    await send(world, 'grafana', testData('grafana/firing.json'));
    assert.equal(channelsOf(world, 'grafana-').length, 1);
  });

  test("a contact point's test notification: 200, a line saying so, no channel", async () => {
    world = await startWorld();
    const result = await send(world, 'grafana', testData('grafana/test-notification.json'));
    assert.match(result.stdout, /ignored grafana\.test \(a contact point's test notification; no incident channel is made\)/);
    assert.equal(world.fake.requests.length, 0);
  });

  test('the legacy format (Grafana 8) is refused with a line that says so', async () => {
    world = await startWorld();
    const result = await world.run(['--source', 'grafana', '--body', testData('grafana/legacy.json')]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^mattermost-incident: error: the legacy Grafana alerting format \(Grafana 8 and older\) is not supported/m);
  });
});

describe('Opsgenie', () => {
  test('create → acknowledge → note → owner → escalate → close: statuses, who did what, responders, the announcement', async () => {
    world = await startWorld({ extraUsers: ['grace', 'katherine'] });
    for (const name of ['grace', 'katherine']) world.fake.users.get(world.users[name].id)!.email = `${name}@example.com`;
    await send(world, 'opsgenie', testData('opsgenie/create.json'));
    const [channel] = channelsOf(world, 'og-1042-');
    assert.equal(channel.display_name, '#1042 Checkout DB disk above 95%');
    assert.match(channel.header, /^🔴 \*\*Triggered\*\* · \[Opsgenie alert #1042\]\(https:\/\/app\.opsgenie\.com\/alert\/detail\/8e4f2c1a-5b3d-4e6f-9a7b-1c2d3e4f5a6b\/details\)/);
    assert.match(channel.header, /\*\*Priority:\*\* P2/);
    await send(world, 'opsgenie', testData('opsgenie/acknowledge.json'));
    assert.match(channel.header, /Acknowledged/);
    assert.match(timeline(world, channel).at(-1)!, /\*\*Acknowledged\*\* by ada@\u200bexample\.com/);
    // Opsgenie sends Create again to the integrations of a team added later: a team added, the status unchanged.
    const again = JSON.parse(testData('opsgenie/create.json'));
    again.alertFlowContext.requestId = 'a1b2c3d4-0000-4000-8000-00000000000f';
    again.alert.updatedAt = '1772443060000000789';
    await send(world, 'opsgenie', JSON.stringify(again));
    assert.equal(channelsOf(world, 'og-1042-').length, 1);
    assert.match(channel.header, /^🟠 \*\*Acknowledged\*\* by ada@\u200bexample\.com · /, 'a repeated Create does not move the status back');
    assert.match(timeline(world, channel).at(-1)!, /^📝 \*\*Team added\*\* by /);
    await send(world, 'opsgenie', testData('opsgenie/addnote.json'));
    assert.match(timeline(world, channel).at(-1)!, /Note added[\s\S]*> Cleaning up old WAL files/);
    await send(world, 'opsgenie', testData('opsgenie/assignownership.json'));
    assert.ok(world.fake.memberNames(channel.id).includes('grace'), 'the new owner is a responder');
    assert.match(channel.header, /Acknowledged/, 'an owner change leaves the status');
    await send(world, 'opsgenie', testData('opsgenie/addtags.json'));
    assert.match(timeline(world, channel).at(-1)!, /Tags changed[\s\S]*added: sev1,customer-impact/);
    await send(world, 'opsgenie', testData('opsgenie/escalate.json'));
    assert.ok(world.fake.memberNames(channel.id).includes('katherine'), 'the escalation target is brought in');
    await send(world, 'opsgenie', testData('opsgenie/close.json'));
    assert.match(channel.header, /Resolved/);
    assert.equal(announcements(world).length, 1);
  });

  test("nanosecond times are kept exact: the event's id holds updatedAt as sent", async () => {
    world = await startWorld();
    await send(world, 'opsgenie', testData('opsgenie/create.json'));
    await send(world, 'opsgenie', testData('opsgenie/acknowledge.json'));
    const [channel] = channelsOf(world, 'og-1042-');
    const record = (world.fake.postsIn(channel.id).at(-1)!.props as any).mattermost_incident;
    assert.equal(record.event_id, 'Acknowledge:8e4f2c1a-5b3d-4e6f-9a7b-1c2d3e4f5a6b:1772443050000000456');
  });
});

describe('routes', () => {
  async function routedWorld() {
    const w = await startWorld({ extraUsers: ['dana', 'erin'] });
    const db = w.fake.addTeam('db-team', [w.bot.id, w.users.dana.id]);
    const payments = w.fake.addTeam('payments', [w.bot.id, w.users.erin.id]);
    w.writeConfig({
      ...w.config,
      routes: [
        { name: 'database', match: { source: ['alertmanager', 'grafana'], labels: { team: 'db' } }, set: { team_name: 'db-team', alert_users: ['dana'] } },
        { name: 'checkout', match: { service: 'Checkout API' }, set: { team_name: 'payments', alert_users: ['erin'], archive_on_resolve: true } },
        { match: { labels: { service: '/checkout-.*/' } }, set: { team_name: 'payments' } },
      ],
    });
    return { w, db, payments };
  }

  test('by label and by PagerDuty service: the first match sets the team and its people; the rest keep notification_settings', async () => {
    const { w, db, payments } = await routedWorld();
    world = w;
    await send(w, 'alertmanager', testData('alertmanager/firing.json'));
    const [am] = channelsOf(w, 'am-');
    assert.equal(am.team_id, db.id);
    assert.deepEqual(w.fake.memberNames(am.id), ['dana', 'incident-bot']);
    await send(w, 'pagerduty', testData('incident.trigger.json'));
    const pd = w.fake.channelByName('incident-pt4khlk')!;
    assert.equal(pd.team_id, payments.id);
    assert.deepEqual(w.fake.memberNames(pd.id), ['erin', 'incident-bot']);
    await send(w, 'grafana', testData('grafana/firing.json'));
    const [grafana] = channelsOf(w, 'grafana-');
    assert.equal(grafana.team_id, payments.id, 'a regular expression on a label');
    assert.deepEqual(w.fake.memberNames(grafana.id), ['incident-bot'], 'the default alert users are not on the payments team');
    assert.ok(w.fake.postsIn(grafana.id).some((p) => p.message.includes('Not on the team, so not invited (add them to the team first): alice, bob, carol.')));
    await send(w, 'opsgenie', testData('opsgenie/create.json'));
    assert.equal(channelsOf(w, 'og-')[0].team_id, w.team.id, 'no route: notification_settings');
    await send(w, 'pagerduty', testData('incident.resolve.json'));
    assert.ok(pd.delete_at > 0, "the route's archive_on_resolve");
    assert.equal(w.fake.postsIn(w.fake.channels.get([...w.fake.channels.values()].find((c) => c.team_id === payments.id && c.name === 'town-square')!.id)!.id).filter((p) => p.user_id === w.bot.id).length, 1, "announced in the route's team");
  });

  test('Opsgenie by team or tags', async () => {
    const w = await startWorld({ extraUsers: ['dana', 'erin'] });
    world = w;
    const sre = w.fake.addTeam('sre', [w.bot.id, w.users.dana.id]);
    const db = w.fake.addTeam('db-team', [w.bot.id, w.users.erin.id]);
    w.writeConfig({
      ...w.config,
      routes: [
        { name: 'sre', match: { source: 'opsgenie', team: ['0b1c2d3e-team-sre'] }, set: { team_name: 'sre', alert_users: ['dana'] } },
        { name: 'db', match: { tags: ['db', 'checkout'] }, set: { team_name: 'db-team', alert_users: ['erin'] } },
      ],
    });
    const create = JSON.parse(testData('opsgenie/create.json'));
    await send(w, 'opsgenie', JSON.stringify(create));
    assert.equal(channelsOf(w, 'og-')[0].team_id, db.id, 'both tags');
    create.alert.alertId = 'another-alert';
    create.alert.tinyId = '1043';
    create.alert.teams = ['0b1c2d3e-team-sre'];
    create.alertFlowContext.requestId = 'another-request';
    await send(w, 'opsgenie', JSON.stringify(create));
    const team = channelsOf(w, 'og-1043-')[0];
    assert.equal(team.team_id, sre.id, 'the first route that matches: the team');
    assert.deepEqual(w.fake.memberNames(team.id), ['dana', 'incident-bot']);
  });

  test('an incident stays in the team of its first event', async () => {
    const { w, db } = await routedWorld();
    world = w;
    await send(w, 'alertmanager', testData('alertmanager/firing.json'));
    const resolved = JSON.parse(testData('alertmanager/resolved.json'));
    resolved.commonLabels.team = 'platform';
    await send(w, 'alertmanager', JSON.stringify(resolved));
    const [am] = channelsOf(w, 'am-');
    assert.equal(am.team_id, db.id);
    assert.match(am.header, /Resolved/);
  });

  test('check validates every route; check --route FILE says which route a sample takes', async () => {
    const { w, payments } = await routedWorld();
    world = w;
    const good = await w.run(['check']);
    assert.match(good.stdout, /^ok +database: team "db-team" exists and @incident-bot is a member/m);
    assert.match(good.stdout, /^ok +checkout: alert user @erin exists/m);
    assert.match(good.stdout, /^FAIL +routes\[2\]: alert user @alice is not a member of team "payments", so cannot join its incident channels: add them to the team/m, 'the route keeps the default alert users, who are not on its team');
    assert.equal(good.code, 2);
    for (const name of ['alice', 'bob', 'carol']) w.fake.addTeamMember(payments.id, w.users[name].id);
    const fixed = await w.run(['check']);
    assert.equal(fixed.code, 0, fixed.stdout + fixed.stderr);
    const sample = join(w.dir, 'sample.json');
    writeFileSync(sample, testData('alertmanager/firing.json'));
    const routed = await w.run(['check', '--route', sample, '--source', 'alertmanager']);
    assert.match(routed.stdout, /the sample delivery \(am-[0-9a-f]+\) takes route database, because of source alertmanager, label team=db: team "db-team", alert users @dana/);
    writeFileSync(sample, testData('opsgenie/create.json'));
    const unrouted = await w.run(['check', '--route', sample, '--source', 'opsgenie']);
    assert.match(unrouted.stdout, /matches no route: notification_settings apply \(team "ops"/);
    const told = await w.run(['check', '--route', sample]);
    assert.match(told.stdout, /^ok +the sample delivery looks like one from Opsgenie \(--source chooses another\)$/m, 'without --source, the sample tells its sender');
    assert.match(told.stdout, /matches no route: notification_settings apply \(team "ops"/);
    w.writeConfig({ ...w.config, routes: [{ match: { labels: { team: 'db' } }, set: { team_name: 'nope', alert_users: ['zed'] } }] });
    const bad = await w.run(['check']);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /^FAIL +routes\[0\]: team "nope" not found/m);
    assert.match(bad.stdout, /^FAIL +routes\[0\]: alert user @zed does not exist/m);
  });

  test('a route that matches nothing or sets nothing is a config error with its key path', async () => {
    world = await startWorld();
    world.writeConfig({ ...world.config, routes: [{ match: {}, set: {} }, { match: { source: 'zabbix', labels: { x: '/[/' } }, set: { team_name: 'a' } }] });
    const result = await world.run(['check']);
    assert.equal(result.code, 2);
    for (const text of ['routes[0].match: needs at least one of', 'routes[0].set: sets nothing', 'routes[1].match.source: "zabbix" is not a source', 'routes[1].match.labels.x: not a regular expression']) assert.ok(result.stderr.includes(text), text);
  });
});

describe('bad input from every source', () => {
  for (const [source, body] of [
    ['alertmanager', '{"status":"firing"}'],
    ['alertmanager', '{"groupKey":"x","alerts":[{"status":"burning","startsAt":"2026-03-02T09:15:00Z"}],"status":"firing"}'],
    ['grafana', '[]'],
    ['opsgenie', '{"action":"Create"}'],
    ['opsgenie', '{"action":"Create","alert":{"alertId":"a/../b"}}'],
  ] as const) {
    test(`${source}: ${body.slice(0, 60)}`, async () => {
      world ??= await startWorld();
      const result = await world.run(['--source', source, '--body', body]);
      assert.equal(result.code, 2, result.stdout + result.stderr);
      assert.equal(result.stderr.trim().split('\n').length, 1);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.equal(world.fake.requests.length, 0);
    });
  }
  test('an unknown source is a usage error', async () => {
    world ??= await startWorld();
    const result = await world.run(['--source', 'zabbix', '--body', '{}']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--source: "zabbix" is not a source; use one of pagerduty, alertmanager, grafana, opsgenie/);
  });
});

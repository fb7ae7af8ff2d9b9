/**
 * Acting from Mattermost, end to end: the fake Mattermost calls the hooks of the real webhook daemon
 * (hooks.json.sample), the tool calls the fake PagerDuty, Jira or Alertmanager as the person, and PagerDuty's
 * webhooks come back through the daemon to update the channel, which stays the tool's to write.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { ACTION_SECRET, type ChatopsWorld, startChatopsWorld } from './helpers/chatops-world';
import { webhookInstalled } from './helpers/webhook-daemon';
import { testData } from './helpers/world';

const skip = webhookInstalled() ? false : 'the webhook daemon is not installed (apt-get install webhook)';

let world: ChatopsWorld | undefined;
afterEach(async () => {
  const done = world;
  world = undefined;
  try {
    if (done) assert.deepEqual(done.fake.violations, []);
    // Every answer of the hooks was exactly one JSON document: nothing on stderr was glued into it.
    for (const answer of done?.fake.integrationAnswers ?? []) {
      assert.equal(answer.status, 200, answer.text);
      assert.doesNotThrow(() => JSON.parse(answer.text), answer.text);
      assert.equal(answer.text.trim().split('\n').length, 1, answer.text);
    }
  } finally {
    await done?.close();
  }
});

async function triggered(options: Parameters<typeof startChatopsWorld>[0] = {}) {
  const w = await startChatopsWorld(options);
  world = w;
  const answer = await w.deliver(testData('incident.trigger.json'));
  assert.equal(answer.status, 200, answer.text);
  const channel = w.fake.channelByName('incident-pt4khlk')!;
  return { w, channel, opening: w.fake.postsIn(channel.id)[0] };
}

const buttonsOf = (post: { props: Record<string, unknown> }) => ((post.props.attachments as { actions?: { id: string }[] }[])[0].actions ?? []).map((a) => a.id);
const ephemeralsOf = (w: ChatopsWorld, user: string) => w.fake.ephemerals.filter((e) => e.user_id === w.users[user].id).map((e) => e.message);
const pdWrites = (w: ChatopsWorld) => w.pd.requests.filter((r) => r.method !== 'GET');
const timeline = (w: ChatopsWorld, channelId: string) => w.fake.postsIn(channelId).filter((p) => p.user_id === w.bot.id).map((p) => p.message);

describe('buttons on the opening post', { skip }, () => {
  test('Acknowledge: PagerDuty acknowledges as the clicker; its webhook updates the channel; the buttons follow', async () => {
    const { w, channel, opening } = await triggered();
    assert.deepEqual(buttonsOf(opening), ['acknowledge', 'resolve', 'escalate', 'note', 'responder', 'statusupdate']);
    const click = await w.click('alice', opening.id, 'acknowledge');
    assert.equal(click.status, 200, JSON.stringify(click.body));
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), ['resolve', 'escalate', 'note', 'responder', 'statusupdate'], 'the reply updated the post at once');
    assert.match((w.fake.posts.get(opening.id)!.props.attachments as { text: string }[])[0].text, /^Acknowledged by @alice$/);
    assert.match(ephemeralsOf(w, 'alice').at(-1)!, /You acknowledged incident PT4KHLK in PagerDuty/);
    await w.settled();
    const [put] = pdWrites(w);
    assert.equal(put.from, 'alice@example.com', 'PagerDuty is told who acted');
    assert.deepEqual(put.body, { incident: { type: 'incident_reference', status: 'acknowledged' } });
    assert.match(channel.header, /^🟠 \*\*Acknowledged\*\* by Alice Tester/);
    assert.match(timeline(w, channel.id).at(-1)!, /Acknowledged\*\* by Alice Tester/);
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), ['resolve', 'escalate', 'note', 'responder', 'statusupdate']);
  });

  test('a second click, or one after the status moved on, changes nothing in PagerDuty and says why', async () => {
    const { w, opening } = await triggered();
    await w.click('alice', opening.id, 'acknowledge');
    await w.settled();
    // The button is gone from the post; a client showing the old post can still send the click.
    await w.click('bob', opening.id, 'acknowledge').catch(() => undefined);
    assert.equal(pdWrites(w).length, 1);
    w.pd.incidents.get('PT4KHLK')!.status = 'resolved';
    await w.click('bob', opening.id, 'resolve');
    assert.equal(pdWrites(w).length, 1, 'a resolved incident is never written again (acknowledging it would reopen it)');
    assert.match(ephemeralsOf(w, 'bob').at(-1)!, /already resolved in PagerDuty; nothing was changed/);
  });

  test('Resolve: resolved in PagerDuty, announced once, and only Jira is left', async () => {
    const { w, channel, opening } = await triggered({ jira: 'cloud' });
    await w.click('alice', opening.id, 'resolve');
    await w.settled();
    assert.match(channel.header, /^🟢 \*\*Resolved\*\*/);
    const announcements = w.fake.postsIn(w.fake.channelByName('town-square')!.id).filter((p) => p.user_id === w.bot.id);
    assert.equal(announcements.length, 1);
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), ['jira']);
  });

  test('a change made in PagerDuty itself moves the buttons too; a reopen brings them back', async () => {
    const { w, opening } = await triggered();
    await w.deliver(testData('incident.acknowledge.json'));
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), ['resolve', 'escalate', 'note', 'responder', 'statusupdate']);
    await w.deliver(testData('incident.resolve.json'));
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), []);
    const reopened = JSON.parse(testData('v3/incident.reopened.json'));
    reopened.event.occurred_at = new Date(Date.parse(JSON.parse(testData('incident.resolve.json')).messages[0].created_on) + 60_000).toISOString();
    const { createHmac } = await import('node:crypto');
    const body = JSON.stringify(reopened);
    const { post } = await import('./helpers/webhook-daemon');
    await post(w.hook('pagerduty_hook'), body, { 'X-PagerDuty-Signature': `v1=${createHmac('sha256', 'whsec-chatops-e2e-1').update(body).digest('hex')}` });
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), ['acknowledge', 'resolve', 'escalate', 'note', 'responder', 'statusupdate']);
  });

  test('Escalate opens a dialog with the levels and who is on each; submitting escalates in PagerDuty', async () => {
    const { w, channel, opening } = await triggered();
    await w.click('alice', opening.id, 'escalate');
    const dialog = w.fake.dialogs.at(-1)!;
    assert.equal(dialog.user_id, w.users.alice.id);
    assert.deepEqual(dialog.dialog.elements[0].options, [
      { text: 'Level 1: Ada Lovelace (on call)', value: '1' },
      { text: 'Level 2: Grace Hopper (on call)', value: '2' },
    ]);
    assert.equal(pdWrites(w).length, 0, 'opening the dialog changes nothing');
    const submitted = await w.submitDialog('alice', channel.id, { level: '2' });
    assert.deepEqual(submitted.body, {});
    await w.settled();
    assert.deepEqual(pdWrites(w)[0].body, { incident: { type: 'incident_reference', escalation_level: 2 } });
    assert.match(timeline(w, channel.id).at(-1)!, /Escalated\*\*.* to Grace Hopper/);
  });

  test('Add note through its dialog: the note is PagerDuty\'s, and comes back on the timeline', async () => {
    const { w, channel, opening } = await triggered();
    await w.click('bob', opening.id, 'note');
    assert.equal(w.fake.dialogs.at(-1)!.dialog.callback_id, 'note');
    const empty = await w.submitDialog('bob', channel.id, { text: '  ' });
    assert.deepEqual(empty.body, { errors: { text: 'Write something first.' } });
    await w.submitDialog('bob', channel.id, { text: 'Rolled back the deploy of 09:10' });
    await w.settled();
    assert.deepEqual(w.pd.notes, [{ incident: 'PT4KHLK', user: 'PBOB001', content: 'Rolled back the deploy of 09:10' }]);
    assert.match(timeline(w, channel.id).at(-1)!, /Note added\*\* by Bob Tester[\s\S]*Rolled back the deploy of 09:10/);
  });

  test('Add responder and Status update through their dialogs', async () => {
    const { w, channel, opening } = await triggered();
    await w.click('alice', opening.id, 'responder');
    assert.equal(w.fake.dialogs.at(-1)!.dialog.elements[0].type, 'select');
    await w.submitDialog('alice', channel.id, { user: w.users.grace.id, text: 'DB expertise needed' });
    await w.click('alice', opening.id, 'statusupdate');
    await w.submitDialog('alice', channel.id, { text: 'Checkout is slow; a fix is rolling out' });
    await w.settled();
    assert.deepEqual(w.pd.responderRequests, [{ incident: 'PT4KHLK', requester: 'PALICE1', targets: ['PUSR0GH'], message: 'DB expertise needed' }]);
    assert.deepEqual(w.pd.statusUpdates.map((u) => u.message), ['Checkout is slow; a fix is rolling out']);
    assert.ok(w.fake.memberNames(channel.id).includes('grace'), 'the responder PagerDuty reports is invited');
  });

  for (const flavour of ['cloud', 'data-center'] as const) {
    test(`Create Jira issue (${flavour}) twice: one issue, linked in the channel, named in the announcement`, async () => {
      const { w, channel, opening } = await triggered({ jira: flavour });
      assert.ok(buttonsOf(opening).includes('jira'));
      await w.click('alice', opening.id, 'jira');
      await w.click('bob', opening.id, 'jira');
      assert.equal(w.jira!.issues.length, 1);
      const [issue] = w.jira!.issues;
      assert.equal(issue.fields.summary, 'Incident #1042 (PT4KHLK): Checkout API latency above 2 s');
      assert.deepEqual(issue.fields.labels, ['incident', 'pagerduty']);
      const description = JSON.stringify(issue.fields.description);
      for (const fact of ['https://acme.pagerduty.com/incidents/PT4KHLK', 'Triggered', 'Checkout API', 'high', '~incident-pt4khlk', 'Triggered by Checkout API']) assert.ok(description.includes(fact), `${fact} in ${description}`);
      if (flavour === 'cloud') assert.equal((issue.fields.description as { type: string }).type, 'doc');
      else assert.equal(typeof issue.fields.description, 'string');
      const url = `${w.jira!.url}/browse/OPS-1`;
      assert.ok(timeline(w, channel.id).some((m) => m === `🎫 Jira issue [OPS-1](${url}) filed by @alice.`));
      assert.match(ephemeralsOf(w, 'bob').at(-1)!, /already has its Jira issue: \[OPS-1\]/);
      await w.deliver(testData('incident.resolve.json'));
      const announcement = w.fake.postsIn(w.fake.channelByName('town-square')!.id).at(-1)!;
      assert.ok(JSON.stringify(announcement).includes('OPS-1'), 'the announcement names the issue');
    });
  }

  test('a click whose context does not verify is refused, and nothing is called', async () => {
    const { w, channel, opening } = await triggered();
    const before = w.pd.requests.length;
    // Anyone who can post can make a button pointing at the hook (chatops.md §1.1, §1.5).
    const forged = w.fake.insertPost({
      channel_id: channel.id,
      user_id: w.users.bob.id,
      message: 'click me',
      props: { attachments: [{ actions: [{ id: 'resolve', type: 'button', name: 'Resolve', integration: { url: w.hook('mattermost_action'), context: { v: 1, action: 'resolve', incident: 'PT4KHLK', source: 'pagerduty', team: 'ops', channel: channel.id, sig: '0'.repeat(64) } } }] }] },
    });
    await w.click('bob', forged.id, 'resolve');
    // A genuine context copied into another channel's post is refused as well.
    const context = (w.fake.posts.get(opening.id)!.props.attachments as { actions: { integration: { context: unknown } }[] }[])[0].actions[1].integration.context;
    const other = w.fake.channelByName('off-topic')!;
    const copied = w.fake.insertPost({ channel_id: other.id, user_id: w.users.bob.id, message: 'copy', props: { attachments: [{ actions: [{ id: 'resolve', type: 'button', name: 'Resolve', integration: { url: w.hook('mattermost_action'), context } }] }] } });
    await w.click('bob', copied.id, 'resolve');
    assert.equal(w.pd.requests.length, before);
    assert.deepEqual(ephemeralsOf(w, 'bob').map((m) => m.startsWith('Not accepted')), [true, true]);
  });

  test('a user with no PagerDuty user is told how to fix it, and nothing is changed', async () => {
    const { w, opening } = await triggered();
    await w.click('carol', opening.id, 'acknowledge');
    assert.equal(pdWrites(w).length, 0);
    assert.match(ephemeralsOf(w, 'carol').at(-1)!, /No PagerDuty user has the e-mail address carol@example.com[\s\S]*user_map/);
  });

  test('the mapping is cached: a repeated action makes one PagerDuty call, the write', async () => {
    const { w, channel } = await triggered();
    await w.command('alice', channel.id, 'note first');
    const before = w.pd.requests.length;
    await w.command('alice', channel.id, 'note second');
    assert.deepEqual(w.pd.requests.slice(before).map((r) => `${r.method} ${r.path}`), ['POST /incidents/PT4KHLK/notes']);
  });

  test('with e-mail addresses hidden, user_map read in reverse finds the person', async () => {
    const { w, opening } = await triggered({ showEmailAddress: false, config: { notification_settings: { team_name: 'ops', alert_users: ['alice', 'bob', 'carol'], user_map: { PALICE1: 'alice' } } } });
    await w.click('bob', opening.id, 'acknowledge');
    assert.match(ephemeralsOf(w, 'bob').at(-1)!, /does not show your e-mail address[\s\S]*user_map/);
    await w.click('alice', opening.id, 'acknowledge');
    assert.equal(pdWrites(w)[0].from, 'alice@example.com');
  });

  test('PagerDuty down: the person is told, nothing else happens', async () => {
    const { w, opening } = await triggered();
    w.pd.down = true;
    const click = await w.click('alice', opening.id, 'acknowledge');
    assert.equal(click.status, 200);
    assert.match(ephemeralsOf(w, 'alice').at(-1)!, /PagerDuty did not answer \(no response\), so nothing was changed/);
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), ['acknowledge', 'resolve', 'escalate', 'note', 'responder', 'statusupdate']);
  });

  test('a dialog submission whose state was not signed here is refused', async () => {
    const { w, channel, opening } = await triggered();
    await w.click('alice', opening.id, 'note');
    const dialog = w.fake.dialogs.at(-1)!;
    dialog.dialog.state = `${Buffer.from(JSON.stringify({ action: 'note', incidentId: 'PT4KHLK', source: 'pagerduty', team: 'ops', channelId: channel.id, postId: '', expires: Date.now() + 1e6 })).toString('base64url')}.${'0'.repeat(64)}`;
    const answer = await w.submitDialog('alice', channel.id, { text: 'x' });
    assert.match(answer.body.error, /^Not accepted/);
    assert.equal(w.pd.notes.length, 0);
  });
});

describe('the /incident slash command', { skip }, () => {
  test('each subcommand in the incident channel, as the person; changes are said in the channel', async () => {
    const { w, channel } = await triggered({ jira: 'cloud' });
    const run = async (text: string) => (await w.command('alice', channel.id, text)).body;
    assert.match((await run('help')).text, /`ack`[\s\S]*`jira`/);
    assert.match((await run('frobnicate')).text, /`frobnicate` is not a subcommand[\s\S]*`ack`/);
    const ack = await run('ack');
    assert.equal(ack.response_type, 'in_channel');
    assert.equal(ack.text, '@alice acknowledged incident PT4KHLK in PagerDuty.');
    assert.match((await run('note DB failover done')).text, /@alice added a note to incident PT4KHLK/);
    assert.match((await run('status Customers may see slow checkouts')).text, /@alice added a status update/);
    assert.match((await run('responder @grace')).text, /@alice asked PagerDuty to bring @grace/);
    assert.match((await run('escalate 2')).text, /escalated incident PT4KHLK to level 2/);
    assert.match((await run('jira')).text, /@alice filed \[OPS-1\]/);
    const info = await run('info');
    assert.equal(info.response_type, 'ephemeral');
    assert.match(info.text, /Checkout API latency above 2 s[\s\S]*~incident-pt4khlk[\s\S]*OPS-1/);
    assert.match((await run('resolve Failed over to the replica')).text, /@alice resolved incident PT4KHLK/);
    await w.settled();
    assert.deepEqual(w.pd.notes.map((n) => n.content), ['DB failover done']);
    assert.equal(w.pd.statusUpdates.length, 1);
    assert.deepEqual(w.pd.responderRequests.map((r) => r.targets), [['PUSR0GH']]);
    const resolve = pdWrites(w).find((r) => (r.body as { incident?: { status?: string } })?.incident?.status === 'resolved');
    assert.equal((resolve!.body as { incident: { resolution?: string } }).incident.resolution, 'Failed over to the replica');
    assert.ok(w.fake.postsIn(channel.id).some((p) => p.user_id === w.users.alice.id && p.message === '@alice acknowledged incident PT4KHLK in PagerDuty.'), 'in_channel: posted as the person');
    assert.match(channel.header, /Resolved/);
  });

  test('with the incident id, from any channel of the team; without, outside an incident channel, it says how', async () => {
    const { w } = await triggered();
    const townSquare = w.fake.channelByName('town-square')!;
    const answer = await w.command('alice', townSquare.id, 'ack PT4KHLK');
    assert.equal(answer.body.response_type, 'in_channel');
    assert.equal(pdWrites(w)[0].from, 'alice@example.com');
    const lost = await w.command('alice', townSquare.id, 'ack');
    assert.match(lost.body.text, /Type this in an incident channel, or give the incident's id/);
  });

  test('escalate without a level and note without text open their dialogs', async () => {
    const { w, channel } = await triggered();
    const escalate = await w.command('alice', channel.id, 'escalate');
    assert.deepEqual(escalate.body.text, '');
    assert.equal(w.fake.dialogs.at(-1)!.dialog.callback_id, 'escalate');
    await w.command('alice', channel.id, 'note');
    assert.equal(w.fake.dialogs.at(-1)!.dialog.callback_id, 'note');
    await w.submitDialog('alice', channel.id, { text: 'typed in the dialog' });
    assert.deepEqual(w.pd.notes.map((n) => n.content), ['typed in the dialog']);
  });

  test('a wrong token is refused with an ephemeral answer, and nothing else happens', async () => {
    const { w, channel } = await triggered();
    const before = w.pd.requests.length;
    w.fake.commands.get('cmd1')!.token = 'not-the-configured-token-1234';
    const answer = await w.command('alice', channel.id, 'resolve');
    assert.equal(answer.body.response_type, 'ephemeral');
    assert.match(answer.body.text, /^Not accepted/);
    assert.equal(w.pd.requests.length, before);
    assert.equal(w.fake.postsIn(channel.id).filter((p) => p.user_id === w.users.alice.id).length, 0);
  });
});

describe('Alertmanager incidents', { skip }, () => {
  test('Acknowledge is recorded by the tool; Silence makes an Alertmanager silence for the group and links it', async () => {
    const w = await startChatopsWorld({ alertmanager: true });
    world = w;
    const { post } = await import('./helpers/webhook-daemon');
    await post(w.hook('alertmanager'), testData('alertmanager/firing.json'));
    const channel = [...w.fake.channels.values()].find((c) => c.name.startsWith('am-'))!;
    const opening = w.fake.postsIn(channel.id)[0];
    assert.deepEqual(buttonsOf(opening), ['acknowledge', 'silence']);
    await w.click('alice', opening.id, 'acknowledge');
    assert.match(channel.header, /^🟠 \*\*Acknowledged\*\* by Alice Tester · /);
    assert.match(channel.header, /\*\*Alerts:\*\* 2 firing of 2/);
    assert.match(timeline(w, channel.id).at(-1)!, /Acknowledged\*\* by Alice Tester/);
    assert.deepEqual(buttonsOf(w.fake.posts.get(opening.id)!), ['silence']);
    assert.equal(w.pd.requests.length, 0, 'nobody upstream to tell');
    // The button is gone; the command still asks.
    const again = await w.command('alice', channel.id, 'ack');
    assert.match(again.body.text, /Already acknowledged by Alice Tester; nothing was changed/);

    await w.click('alice', opening.id, 'silence');
    assert.equal(w.fake.dialogs.at(-1)!.dialog.callback_id, 'silence');
    await w.submitDialog('alice', channel.id, { hours: '4', text: 'maintenance on db-1' });
    const [silence] = w.am!.silences;
    assert.deepEqual(silence.matchers.find((m) => m.name === 'alertname'), { name: 'alertname', value: 'HighMemoryLoad', isRegex: false, isEqual: true });
    assert.equal(Date.parse(silence.endsAt) - Date.parse(silence.startsAt), 4 * 3600_000);
    assert.equal(silence.comment, 'maintenance on db-1');
    assert.match(timeline(w, channel.id).at(-1)!, new RegExp(`silenced these alerts for 4 hours: \\[the silence\\]\\(http://alertmanager\\.example\\.com:9093/#/silences/${silence.id}\\)`));

    await post(w.hook('alertmanager'), testData('alertmanager/resolved.json'));
    const announcement = w.fake.postsIn(w.fake.channelByName('town-square')!.id).at(-1)!;
    assert.match(JSON.stringify(announcement.props.attachments), /Time to acknowledge/);
    assert.match(JSON.stringify(announcement.props.attachments), /Alice Tester/);
  });
});

describe('setting it up', { skip }, () => {
  test('setup-command creates /incident with autocomplete and prints its token; run again, it finds it', async () => {
    const { w } = await triggered();
    w.fake.commands.clear();
    const first = await w.run(['setup-command', '--url', w.hook('mattermost_command')]);
    assert.equal(first.code, 0, first.stderr);
    const [command] = [...w.fake.commands.values()];
    assert.equal(command.trigger, 'incident');
    assert.equal(command.auto_complete, true);
    assert.ok(command.auto_complete_hint.includes('ack'));
    assert.match(first.stdout, new RegExp(`token for chatops.command_tokens: ${command.token}`));
    const again = await w.run(['setup-command', '--url', w.hook('mattermost_command')]);
    assert.equal(again.code, 0);
    assert.equal(w.fake.commands.size, 1);
    assert.match(again.stdout, /already exists/);
  });

  test('check verifies each part that is set', async () => {
    const { w } = await triggered({ jira: 'cloud' });
    const good = await w.run(['check']);
    assert.match(good.stdout, /^ok +PagerDuty API token can write/m);
    assert.match(good.stdout, /^ok +Jira project OPS exists, with issue type Task/m);
    assert.match(good.stdout, /^ok +chatops.action_url: .*127\.0\.0\.1 is a private address: Mattermost reaches it only when ServiceSettings.AllowedUntrustedInternalConnections lists "127\.0\.0\.1"/m);
    w.writeConfig({ ...w.config, pagerduty: { ...w.config.pagerduty, api_token: 'pd-read-only-token' }, jira: { ...w.config.jira, project_key: 'NOPE', issue_type: 'Task' } });
    const bad = await w.run(['check']);
    assert.equal(bad.code, 2);
    assert.match(bad.stdout, /^FAIL +PagerDuty API token is read-only/m);
    assert.match(bad.stdout, /^FAIL +Jira project NOPE: /m);
  });
});

describe('what the action and command entries answer, whatever goes wrong', () => {
  test('one JSON document on stdout, nothing on stderr, exit 0', async () => {
    const { startWorld } = await import('./helpers/world');
    const w = await startWorld({ config: { chatops: { action_url: 'http://127.0.0.1:9/hooks/mattermost_action', action_secret: ACTION_SECRET, command_tokens: ['tok-1234567890'] } } });
    try {
      const cases: [string[], RegExp][] = [
        [['action', '--body', 'not json'], /did not understand/],
        [['action', '--body', '{"user_id":"u","channel_id":"c","post_id":"p","context":{}}'], /^Not accepted/],
        [['command', '--body', 'token=wrong&user_id=u&channel_id=c&text=ack'], /^Not accepted/],
        [['command', '--body', '%%%'], /did not understand|Not accepted/],
        [['action', '--config', '/nonexistent/conf.yaml', '--body', '{}'], /cannot read its configuration/],
        [['action', '--unknown-option'], /called wrongly/],
        [['command'], /got no request/],
      ];
      for (const [args, expected] of cases) {
        const result = await w.run(args);
        assert.equal(result.code, 0, args.join(' '));
        assert.equal(result.stderr, '', args.join(' '));
        const lines = result.stdout.trim().split('\n');
        assert.equal(lines.length, 1, result.stdout);
        const reply = JSON.parse(lines[0]);
        assert.match(reply.ephemeral_text ?? reply.text, expected, args.join(' '));
      }
      assert.equal(w.fake.requests.length, 0);
      // The diagnostics went to the log: private, and without a secret in it.
      const log = join(w.dir, 'state', 'chatops.log');
      assert.equal(statSync(log).mode & 0o777, 0o600);
      const text = readFileSync(log, 'utf8');
      assert.match(text, /refused a slash command with a token that is not configured/);
      for (const secret of [ACTION_SECRET, 'tok-1234567890', w.token]) assert.ok(!text.includes(secret));
    } finally {
      await w.close();
    }
  });
});

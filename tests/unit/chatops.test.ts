/** The pure parts of acting from Mattermost, in process: signatures, requests, replies, buttons, dialogs, Jira text. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DIALOG_LIFETIME_MS, signButton, signDialogState, verifyButton, verifyDialogState } from '../../src/chatops/action-token';
import { failureText } from '../../src/chatops/failure-text';
import { serialiseReply } from '../../src/chatops/reply';
import { parseActionRequest, parseCommandRequest } from '../../src/chatops/request';
import { inputFromSubmission } from '../../src/chatops/router';
import { commandTokenAccepted } from '../../src/chatops/slash-command';
import { validateConfig } from '../../src/config/validate-config';
import { ApiError, PayloadError, TimeoutError } from '../../src/errors';
import { buttonActions, incidentButtons, restyleAttachment } from '../../src/render/buttons';
import { adfDescription, issueSummary, textDescription } from '../../src/render/jira-description';

const SECRET = 'unit-test-secret-0123456789';
const subject = { action: 'acknowledge', incidentId: 'PT4KHLK', source: 'pagerduty' as const, team: 'ops', channelId: 'chan1' };
const base = { mattermost_api: { url: 'https://chat.example.com', token: 'tok-123456' }, notification_settings: { team_name: 'ops', alert_users: ['alice'] } };
const configWith = (extra: Record<string, unknown>) => validateConfig({ ...base, ...extra }, {}, 'conf.yaml').config;

describe('button contexts and dialog states', () => {
  test('a context verifies for its channel only, and not once any field is changed', () => {
    const context = signButton(SECRET, subject);
    assert.deepEqual(verifyButton(SECRET, context, 'chan1'), subject);
    assert.equal(verifyButton(SECRET, context, 'chan2'), undefined, 'copied into another channel');
    assert.equal(verifyButton('another-secret-0123456789', context, 'chan1'), undefined);
    for (const field of ['action', 'incident', 'source', 'team', 'channel'] as const) assert.equal(verifyButton(SECRET, { ...context, [field]: 'x' }, field === 'channel' ? 'x' : 'chan1'), undefined, field);
    for (const junk of [undefined, null, 'x', 42, { ...context, v: 2 }, { ...context, sig: undefined }, { ...context, sig: 'ab' }]) assert.equal(verifyButton(SECRET, junk, 'chan1'), undefined);
  });

  test('a dialog state verifies within its lifetime, for its channel, untampered', () => {
    const now = 1_800_000_000_000;
    const state = signDialogState(SECRET, subject, 'post1', now);
    assert.deepEqual(verifyDialogState(SECRET, state, 'chan1', now + 1000), { ...subject, postId: 'post1' });
    assert.equal(verifyDialogState(SECRET, state, 'chan1', now + DIALOG_LIFETIME_MS + 1), undefined, 'expired');
    assert.equal(verifyDialogState(SECRET, state, 'chan2', now), undefined);
    const [payload, sig] = state.split('.');
    const other = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), incidentId: 'POTHER1' })).toString('base64url');
    assert.equal(verifyDialogState(SECRET, `${other}.${sig}`, 'chan1', now), undefined);
    for (const junk of [undefined, '', 'a.b', `${payload}.${sig}.x`, 'x'.repeat(5000)]) assert.equal(verifyDialogState(SECRET, junk, 'chan1', now), undefined);
  });

  test('command tokens compare in constant time; an empty token never passes', () => {
    assert.equal(commandTokenAccepted('tok-a', ['tok-b', 'tok-a']), true);
    assert.equal(commandTokenAccepted('tok-c', ['tok-a']), false);
    assert.equal(commandTokenAccepted('', ['']), false);
  });
});

describe('requests from Mattermost', () => {
  test('a click and a dialog submission, as the server sends them', () => {
    const click = parseActionRequest(Buffer.from(JSON.stringify({ user_id: 'u1', user_name: 'alice', channel_id: 'c1', channel_name: 'incident-x', team_id: 't1', team_domain: 'ops', post_id: 'p1', trigger_id: 'tr', type: 'button', data_source: '', context: { a: 1 } })));
    assert.deepEqual(click, { kind: 'click', userId: 'u1', channelId: 'c1', teamId: 't1', userName: 'alice', channelName: 'incident-x', teamName: 'ops', postId: 'p1', triggerId: 'tr', context: { a: 1 } });
    const dialog = parseActionRequest(Buffer.from(JSON.stringify({ type: 'dialog_submission', callback_id: 'note', state: 's', user_id: 'u1', channel_id: 'c1', team_id: 't1', submission: { text: 'hi' }, cancelled: false })));
    assert.deepEqual(dialog, { kind: 'dialog', userId: 'u1', channelId: 'c1', teamId: 't1', callbackId: 'note', state: 's', submission: { text: 'hi' }, cancelled: false });
    for (const bad of ['', 'null', '[]', '{"user_id":"u"}', '{"user_id":"u","channel_id":"c"}', '{"user_id":"a b","channel_id":"c","post_id":"p"}']) assert.throws(() => parseActionRequest(Buffer.from(bad)), PayloadError, bad);
  });

  test("a slash command's form, with the users it mentions", () => {
    const form = 'channel_id=c1&channel_name=incident-pt4khlk&command=%2Fincident&team_domain=ops&team_id=t1&text=responder+%40grace+please&token=tok&trigger_id=tr&user_id=u1&user_name=alice&user_mentions=grace&user_mentions_ids=g1';
    const request = parseCommandRequest(Buffer.from(form));
    assert.equal(request.text, 'responder @grace please');
    assert.equal(request.token, 'tok');
    assert.deepEqual([...request.mentions], [['grace', 'g1']]);
    assert.throws(() => parseCommandRequest(Buffer.from('text=ack')), /user_id missing/);
    assert.throws(() => parseCommandRequest(Buffer.from('{"json":true}')), PayloadError);
  });

  test("a dialog's fields become the action's input", () => {
    assert.deepEqual(inputFromSubmission({ level: '2' }), { text: undefined, level: 2, hours: undefined, userIds: undefined });
    assert.ok(Number.isNaN(inputFromSubmission({ level: 'two' }).level));
    assert.deepEqual(inputFromSubmission({ user: 'u9', text: 'why' }).userIds, ['u9']);
    assert.equal(inputFromSubmission({ hours: '24' }).hours, 24);
  });
});

describe('replies', () => {
  test('each reply in the shape its request wants', () => {
    assert.deepEqual(serialiseReply({ kind: 'ephemeral', text: 'x' }, 'click'), { ephemeral_text: 'x' });
    assert.deepEqual(serialiseReply({ kind: 'ephemeral', text: 'x' }, 'command'), { response_type: 'ephemeral', text: 'x' });
    assert.deepEqual(serialiseReply({ kind: 'ephemeral', text: 'x' }, 'dialog'), { error: 'x' });
    assert.deepEqual(serialiseReply({ kind: 'in_channel', text: 'done' }, 'command'), { response_type: 'in_channel', text: 'done' });
    assert.deepEqual(serialiseReply({ kind: 'update', post: { message: 'm', props: { a: 1 } }, ephemeral: 'e' }, 'click'), { update: { message: 'm', props: { a: 1 } }, ephemeral_text: 'e' });
    assert.deepEqual(serialiseReply({ kind: 'dialog-opened' }, 'command'), { response_type: 'ephemeral', text: '' }, 'posts nothing, and is still JSON');
    assert.deepEqual(serialiseReply({ kind: 'dialog-done' }, 'dialog'), {});
    assert.deepEqual(serialiseReply({ kind: 'dialog-errors', errors: { text: 'empty' } }, 'dialog'), { errors: { text: 'empty' } });
  });

  test('failures in words, without request lines', () => {
    assert.match(failureText(new ApiError('PagerDuty', 'PUT https://api.pagerduty.com/incidents/X', 0, undefined, 'refused')), /^PagerDuty did not answer \(no response\), so nothing was changed/);
    assert.match(failureText(new ApiError('PagerDuty', 'PUT /incidents/X', 400, '1008', 'Requester User Not Found')), /does not know you as a user/);
    assert.match(failureText(new ApiError('PagerDuty', 'PUT /incidents/X', 403, '2010', 'Access Denied')), /may not do this/);
    assert.match(failureText(new ApiError('PagerDuty', 'PUT /incidents/X', 403, undefined, '')), /read-only/);
    assert.match(failureText(new ApiError('Jira', 'POST /rest/api/3/issue', 503, undefined, '')), /^Jira did not answer \(HTTP 503\)/);
    assert.match(failureText(new TimeoutError('slow')), /took too long/);
    assert.doesNotMatch(failureText(new ApiError('Jira', 'POST /rest/api/3/issue', 400, undefined, 'bad')), /rest\/api/);
  });
});

describe('buttons', () => {
  const withButtons = configWith({ pagerduty: { api_token: 'pd-123456' }, chatops: { action_url: 'https://hooks.example.com/hooks/mattermost_action', action_secret: SECRET }, jira: { url: 'https://acme.atlassian.net', email: 'bot@acme.example', api_token: 'jira-123456', project_key: 'ops' } });
  test('which actions each source offers in each state', () => {
    assert.deepEqual(buttonActions('pagerduty', 'triggered', withButtons), ['acknowledge', 'resolve', 'escalate', 'note', 'responder', 'statusupdate', 'jira']);
    assert.deepEqual(buttonActions('pagerduty', 'acknowledged', withButtons), ['resolve', 'escalate', 'note', 'responder', 'statusupdate', 'jira']);
    assert.deepEqual(buttonActions('pagerduty', 'resolved', withButtons), ['jira']);
    assert.deepEqual(buttonActions('alertmanager', 'triggered', withButtons), ['acknowledge', 'jira'], 'no silence without sources.alertmanager.api_url');
    assert.deepEqual(buttonActions('grafana', 'acknowledged', withButtons), ['jira']);
    assert.deepEqual(buttonActions('opsgenie', 'triggered', withButtons), ['jira']);
    const noToken = configWith({ chatops: { action_url: 'https://hooks.example.com/h', action_secret: SECRET } });
    assert.deepEqual(buttonActions('pagerduty', 'triggered', noToken), [], 'PagerDuty actions need the API token');
    assert.deepEqual(incidentButtons({ incidentId: 'P1', source: 'pagerduty', team: 'ops', channelId: 'c' }, 'triggered', configWith({ pagerduty: { api_token: 'pd-123456' } })), [], 'no buttons without chatops.action_url');
  });

  test('ids are letters and digits; each carries a context signed for its action', () => {
    const buttons = incidentButtons({ incidentId: 'PT4KHLK', source: 'pagerduty', team: 'ops', channelId: 'chan1' }, 'triggered', withButtons);
    for (const b of buttons) {
      assert.match(b.id, /^[A-Za-z0-9]+$/);
      assert.equal(b.type, 'button');
      assert.deepEqual(verifyButton(SECRET, b.integration.context, 'chan1'), { ...subject, action: b.id });
    }
  });

  test("a restyled opening post: the new status, who changed it, fresh buttons, the rest as it was", () => {
    const attachment = { fallback: 'f', color: '#d0021b', title: 'Incident', fields: [{ title: 'Status', value: '🔴 Triggered', short: true }, { title: 'Service', value: 'Checkout', short: true }] };
    const buttons = incidentButtons({ incidentId: 'PT4KHLK', source: 'pagerduty', team: 'ops', channelId: 'chan1' }, 'acknowledged', withButtons);
    const acked = restyleAttachment(attachment, 'acknowledged', 'pagerduty', '@alice', buttons);
    assert.deepEqual(acked.fields, [{ title: 'Status', value: '🟠 Acknowledged', short: true }, { title: 'Service', value: 'Checkout', short: true }]);
    assert.equal(acked.text, 'Acknowledged by @alice');
    assert.equal(acked.color, '#f5a623');
    assert.deepEqual(acked.actions?.map((a) => a.id), ['resolve', 'escalate', 'note', 'responder', 'statusupdate', 'jira']);
    assert.equal(restyleAttachment(acked, 'acknowledged', 'pagerduty', undefined, []).text, 'Acknowledged by @alice', 'kept when nobody new is named');
    assert.equal(restyleAttachment(acked, 'resolved', 'pagerduty', undefined, []).text, undefined, 'a stale "Acknowledged by" is not kept under Resolved');
    assert.equal(restyleAttachment(acked, 'triggered', 'pagerduty', '@bob', []).actions, undefined);
  });
});

describe('the Jira issue', () => {
  const incident = { source: 'pagerduty' as const, id: 'PT4KHLK', number: 1042, title: 'Checkout API latency above 2 s', htmlUrl: 'https://acme.pagerduty.com/incidents/PT4KHLK', urgency: 'high', service: { name: 'Checkout API' } };
  const facts = { incident, status: 'acknowledged' as const, channelName: 'incident-pt4khlk', channelUrl: 'https://chat.example.com/ops/channels/incident-pt4khlk', timeline: ['🔴 Triggered by Checkout API', '🟠 Acknowledged by Ada'] };
  test('summary, ADF for Cloud and text for Data Center, with the facts and the timeline', () => {
    assert.equal(issueSummary(incident), 'Incident #1042 (PT4KHLK): Checkout API latency above 2 s');
    assert.equal(Array.from(issueSummary({ ...incident, title: 'x'.repeat(400) })).length, 250);
    const adf = adfDescription(facts) as { type: string; version: number; content: { type: string }[] };
    assert.equal(adf.type, 'doc');
    assert.equal(adf.version, 1);
    assert.deepEqual([...new Set(adf.content.map((c) => c.type))], ['paragraph', 'heading', 'bulletList']);
    const adfText = JSON.stringify(adf);
    assert.ok(adfText.includes('"href":"https://acme.pagerduty.com/incidents/PT4KHLK"'));
    const text = textDescription(facts);
    assert.match(text, /^Incident: https:\/\/acme\.pagerduty\.com\/incidents\/PT4KHLK\nStatus: Acknowledged\nService: Checkout API\nUrgency: high\nChannel: ~incident-pt4khlk \(https:\/\/chat\.example\.com\/ops\/channels\/incident-pt4khlk\)\n\nTimeline so far:\n\* 🔴 Triggered by Checkout API\n\* 🟠 Acknowledged by Ada$/);
  });
});

describe('chatops configuration', () => {
  test('every problem with its key path; secrets from the environment', () => {
    assert.throws(() => validateConfig({ ...base, chatops: { action_url: 'ftp://x', action_secret: 'short' }, jira: { url: 'https://j.example.com' } }, {}, 'conf.yaml'), (error: Error) => {
      for (const text of ['chatops.action_url: must start with http', 'chatops.action_secret: too short', 'jira.api_token: required', 'jira.project_key: required']) assert.ok(error.message.includes(text), text);
      assert.ok(!error.message.includes('short,') && !error.message.includes('"short"'), 'the secret is not shown');
      return true;
    });
    assert.throws(() => validateConfig({ ...base, chatops: { action_url: 'https://h.example.com/hooks/a' } }, {}, 'conf.yaml'), /chatops.action_secret: required with chatops.action_url/);
    const { config } = validateConfig({ ...base, chatops: { action_url: 'https://h.example.com/hooks/a' }, jira: { url: 'https://jira.example.com/', project_key: 'ops' } }, { MATTERMOST_INCIDENT_ACTION_SECRET: SECRET, MATTERMOST_INCIDENT_COMMAND_TOKENS: 'a1, b2', JIRA_API_TOKEN: 'pat-123456' }, 'conf.yaml');
    assert.equal(config.chatops.actionSecret, SECRET);
    assert.deepEqual(config.chatops.commandTokens, ['a1', 'b2']);
    assert.deepEqual(config.jira, { url: 'https://jira.example.com', email: undefined, apiToken: 'pat-123456', projectKey: 'OPS', issueType: 'Task', flavour: 'data-center' });
  });
});

/**
 * `npm run demo`: the whole flow on an embedded fake Mattermost, with a fake PagerDuty and Jira, through the real
 * webhook daemon when it is installed (else a stand-in that runs the same hooks). Prints what a user would see
 * after each step, then serves the team's page until Ctrl-C, signed in as Ada, whose buttons work.
 * Flags: --once (exit after the flow), env DEMO_PAUSE_MS (pause between steps, default 1500), DEMO_PORT (the
 * page's port), DEMO_STAND_IN=1 (use the stand-in even where the daemon is installed).
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { FakeJira } from '../fake/fake-jira';
import { FakeMattermost, type FakeUser } from '../fake/fake-mattermost';
import { FakePagerDuty } from '../fake/fake-pagerduty';
import { teamWebApp } from '../fake/page';
import { startHookRunner } from '../helpers/hook-runner';
import { freePort, hooksFromSample, post, startDaemon, webhookInstalled } from '../helpers/webhook-daemon';
import { ROOT } from '../helpers/world';

const TEAM = 'demo-team';
const STEPS = [
  ['trigger', 'incident.trigger.json'],
  ['acknowledge', 'incident.acknowledge.json'],
  ['resolve', 'incident.resolve.json'],
] as const;

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const pause = Number(process.env.DEMO_PAUSE_MS ?? 1500);
  // The hooks run on 127.0.0.1: the fake Mattermost is told it may call them, as an admin would allow it.
  const fake = await new FakeMattermost({ allowedUntrustedInternalConnections: '127.0.0.1' }).start(Number(process.env.DEMO_PORT ?? 0));
  const bot = fake.addUser('incident-bot', { is_bot: true, first_name: 'Incident', last_name: 'Bot' });
  const people = ['alice', 'bob', 'carol'].map((name) => fake.addUser(name));
  // Ada is on call in PagerDuty; user_map brings her in as the incident's assignee.
  const ada = fake.addUser('ada', { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' });
  fake.addTeam(TEAM, [bot.id, ada.id, ...people.map((p) => p.id)]);
  const token = fake.addToken(bot.id);
  // Ada, on call, looks at the page: her clicks are hers.
  fake.webApp = teamWebApp(fake, TEAM, ada.id);

  // PagerDuty and Jira, faked: the buttons act in them, and PagerDuty's webhooks come back.
  const pdToken = randomBytes(10).toString('hex');
  const pd = await new FakePagerDuty(pdToken).start();
  pd.addUser('PUSR0AD', 'Ada Lovelace', ada.email);
  for (const p of people) pd.addUser(`P${p.username.toUpperCase().padEnd(6, '0')}`, `${p.first_name} ${p.last_name}`, p.email);
  pd.addPolicy({ id: 'PEPOL01', summary: 'Checkout on-call', levels: [['PUSR0AD'], ['PALICE0']] });
  pd.addIncident({ id: 'PT4KHLK', title: 'Checkout API latency above 2 s', assignees: ['PUSR0AD'], priority: 'P1' });
  const jiraToken = randomBytes(10).toString('hex');
  const jira = await new FakeJira('cloud', { email: 'incident-bot@example.com', token: jiraToken }).start();

  const dir = mkdtempSync(join(tmpdir(), 'mattermost-incident-demo-'));
  const conf = join(dir, 'conf.yaml');
  const port = await freePort();
  const hooks = `http://127.0.0.1:${port}/hooks`;
  const webhookSecret = randomBytes(12).toString('hex');
  const settings = { team_name: TEAM, alert_users: people.map((p) => p.username), user_map: { PUSR0AD: 'ada' } };
  writeFileSync(
    conf,
    dump({
      mattermost_api: { url: fake.url, token },
      notification_settings: settings,
      pagerduty: { api_token: pdToken, api_url: pd.url, webhook_secrets: [webhookSecret] },
      chatops: { action_url: `${hooks}/mattermost_action`, action_secret: randomBytes(24).toString('hex') },
      jira: { url: jira.url, email: 'incident-bot@example.com', api_token: jiraToken, project_key: 'OPS' },
      state_dir: join(dir, 'state'),
    }),
  );
  chmodSync(conf, 0o600);

  const hooksFile = hooksFromSample(dir, join(dir, 'hooks.json'));
  const useDaemon = webhookInstalled() && process.env.DEMO_STAND_IN !== '1';
  const daemon = useDaemon ? await startDaemon(hooksFile, {}, port) : await startHookRunner(hooksFile, port);
  pd.webhookSecret = webhookSecret;
  pd.webhook = async (body, headers) => void (await post(`${hooks}/pagerduty_hook_file`, body, headers));
  const cleanup = async () => {
    await pd.close();
    await daemon.stop();
    await jira.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    console.log(`Fake Mattermost on ${fake.url}: team "${TEAM}", users alice, bob, carol and ada (on call in PagerDuty), bot token in ${conf}`);
    console.log(
      useDaemon
        ? `webhook daemon serving ${hooks}/pagerduty_hook and the other hooks of hooks.json.sample`
        : `The webhook daemon is not installed (apt-get install webhook): a stand-in serves the hooks of hooks.json.sample on ${hooks}.`,
    );

    let seen = new Set<string>();
    for (const [step, file] of STEPS) {
      const body = readFileSync(join(ROOT, 'test_data', file), 'utf8');
      console.log(`\n=== ${step}: test_data/${file}`);
      const answer = await post(`${hooks}/pagerduty_hook`, body);
      console.log(`-> HTTP ${answer.status}: ${answer.text.trim()}`);
      seen = show(fake, seen);
      if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      if (step === 'acknowledge') {
        console.log('\n=== the team works the incident in its channel');
        converse(fake, { alice: people[0], bob: people[1], carol: people[2] });
        seen = show(fake, seen);
        if (pause > 0) await new Promise((r) => setTimeout(r, pause));
      }
    }
    const announcement = fake.postsIn(fake.channelByName('town-square')!.id).at(-1);
    const figures = (announcement?.props.attachments as { fields: { title: string; value: string }[] }[] | undefined)?.[0]?.fields ?? [];
    console.log('\nThe figures of the announcement:');
    for (const f of figures) console.log(`  ${f.title}: ${f.value}`);

    console.log('\n=== a new incident triggers in PagerDuty, and stays open for you');
    pd.trigger({ id: 'PQ7X2KD', number: 1043, title: 'Payment webhooks failing', assignees: ['PUSR0AD'], urgency: 'high' });
    await pd.settled();
    seen = show(fake, seen);
    if (once) return;
    console.log(`\nOpen ${fake.url}/ to see the team's channels as Mattermost shows them, signed in as @ada.`);
    console.log('In ~incident-pq7x2kd press Acknowledge, Escalate, Add note or Create Jira issue: each acts in the fake PagerDuty or Jira as Ada,');
    console.log("and the channel follows PagerDuty's webhooks. Ctrl-C to stop.");
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
  } finally {
    await cleanup();
  }
}

/** What people do in an incident channel: talk, answer in a thread, share a file. */
function converse(fake: FakeMattermost, who: Record<'alice' | 'bob' | 'carol', FakeUser>): void {
  const channel = fake.channelByName('incident-pt4khlk')!;
  const root = fake.insertPost({ channel_id: channel.id, user_id: who.alice.id, message: 'Looking at the **checkout DB** now: p99 is 2.4 s' });
  fake.insertPost({ channel_id: channel.id, user_id: who.bob.id, root_id: root.id, message: 'Replica lag is 40 s, failing over to db-replica-02' });
  const graph = fake.insertFile({ user_id: who.carol.id, channel_id: channel.id, name: 'latency.csv', bytes: Buffer.from('time,p99_ms\n09:15,2400\n09:40,310\n'), mime_type: 'text/csv' });
  const shared = fake.insertPost({ channel_id: channel.id, user_id: who.carol.id, message: 'Latency back under 400 ms after the failover, numbers attached', file_ids: [graph.id] });
  graph.post_id = shared.id;
}

/** Prints the incident channel and the posts that are new since the last step. */
const shownHeaders = new Map<string, string>();

function show(fake: FakeMattermost, seen: Set<string>): Set<string> {
  const next = new Set(seen);
  for (const channel of fake.channels.values()) {
    const posts = fake.postsIn(channel.id).filter((p) => !seen.has(p.id));
    posts.forEach((p) => next.add(p.id));
    // A channel is shown when something in it is new: a post, or (for an incident) its header.
    const headerChanged = shownHeaders.get(channel.id) !== channel.header;
    shownHeaders.set(channel.id, channel.header);
    if (posts.length === 0 && !(channel.name.startsWith('incident-') && headerChanged)) continue;
    console.log(`~${channel.name} (${channel.display_name})${channel.delete_at ? ' [archived]' : ''}`);
    if (channel.name.startsWith('incident-')) {
      console.log(`  members: ${fake.memberNames(channel.id).join(', ')}`);
      console.log(`  header:  ${channel.header.split('\n').join('\n           ')}`);
    }
    for (const p of posts) {
      console.log(`  new post: ${p.message.split('\n').join('\n            ')}`);
      const buttons = ((p.props.attachments as { actions?: { name: string }[] }[] | undefined) ?? []).flatMap((a) => a.actions ?? []).map((a) => a.name);
      if (buttons.length > 0) console.log(`  buttons: ${buttons.join(' · ')}`);
    }
  }
  return next;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

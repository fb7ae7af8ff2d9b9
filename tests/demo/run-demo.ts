/**
 * `npm run demo`: the whole flow on an embedded fake Mattermost, through the real webhook daemon when it is
 * installed. Prints what a user would see after each step, then serves a read-only page until Ctrl-C.
 * Flags: --once (exit after the flow), env DEMO_PAUSE_MS (pause between steps, default 1500).
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { FakeMattermost, type FakeUser } from '../fake/fake-mattermost';
import { teamWebApp } from '../fake/page';
import { type Daemon, hooksFromSample, post, startDaemon, webhookInstalled } from '../helpers/webhook-daemon';
import { BIN, ROOT } from '../helpers/world';

const TEAM = 'demo-team';
const STEPS = [
  ['trigger', 'incident.trigger.json'],
  ['acknowledge', 'incident.acknowledge.json'],
  ['resolve', 'incident.resolve.json'],
] as const;

async function main(): Promise<void> {
  const once = process.argv.includes('--once');
  const pause = Number(process.env.DEMO_PAUSE_MS ?? 1500);
  const fake = await new FakeMattermost().start(Number(process.env.DEMO_PORT ?? 0));
  const bot = fake.addUser('incident-bot', { is_bot: true, first_name: 'Incident', last_name: 'Bot' });
  const people = ['alice', 'bob', 'carol'].map((name) => fake.addUser(name));
  // Ada is on call in PagerDuty; user_map brings her in as the incident's assignee.
  const ada = fake.addUser('ada', { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' });
  fake.addTeam(TEAM, [bot.id, ada.id, ...people.map((p) => p.id)]);
  const token = fake.addToken(bot.id);
  fake.webApp = teamWebApp(fake, TEAM);

  const dir = mkdtempSync(join(tmpdir(), 'mattermost-incident-demo-'));
  const conf = join(dir, 'conf.yaml');
  const settings = { team_name: TEAM, alert_users: people.map((p) => p.username), user_map: { PUSR0AD: 'ada' } };
  writeFileSync(conf, dump({ mattermost_api: { url: fake.url, token }, notification_settings: settings, state_dir: join(dir, 'state') }));
  chmodSync(conf, 0o600);

  let daemon: Daemon | undefined;
  const cleanup = async () => {
    await daemon?.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    console.log(`Fake Mattermost on ${fake.url}: team "${TEAM}", users alice, bob, carol and ada (on call in PagerDuty), bot token in ${conf}`);
    if (webhookInstalled()) {
      daemon = await startDaemon(hooksFromSample(dir, join(dir, 'hooks.json')));
      console.log(`webhook daemon serving ${daemon.url}/hooks/pagerduty_hook (from hooks.json.sample)`);
    } else {
      console.log('The webhook daemon is not installed (apt-get install webhook): running the executable directly instead.');
    }

    let seen = new Set<string>();
    for (const [step, file] of STEPS) {
      const body = readFileSync(join(ROOT, 'test_data', file), 'utf8');
      console.log(`\n=== ${step}: test_data/${file}`);
      const answer = daemon ? await post(`${daemon.url}/hooks/pagerduty_hook`, body) : await runDirect(body, dir);
      console.log(`-> ${daemon ? `HTTP ${answer.status}` : `exit ${answer.status}`}: ${answer.text.trim()}`);
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
    if (once) return;
    console.log(`\nOpen ${fake.url}/ to see the team's channels as Mattermost would show them. Ctrl-C to stop.`);
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

function runDirect(body: string, cwd: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, body], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? 1, text }));
  });
}

/** Prints the incident channel and the posts that are new since the last step. */
function show(fake: FakeMattermost, seen: Set<string>): Set<string> {
  const next = new Set(seen);
  for (const channel of fake.channels.values()) {
    const posts = fake.postsIn(channel.id).filter((p) => !seen.has(p.id));
    posts.forEach((p) => next.add(p.id));
    if (!channel.name.startsWith('incident-') && posts.length === 0) continue;
    console.log(`~${channel.name} (${channel.display_name})${channel.delete_at ? ' [archived]' : ''}`);
    if (channel.name.startsWith('incident-')) {
      console.log(`  members: ${fake.memberNames(channel.id).join(', ')}`);
      console.log(`  header:  ${channel.header.split('\n').join('\n           ')}`);
    }
    for (const p of posts) console.log(`  new post: ${p.message.split('\n').join('\n            ')}`);
  }
  return next;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

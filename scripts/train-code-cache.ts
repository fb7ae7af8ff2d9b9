/**
 * Makes dist/cli-program.cache: loads the bundle as a delivery does (src/code-cache.ts), runs real deliveries and
 * actions in this process against the fake Mattermost and PagerDuty of the tests, then saves V8's compiled code for
 * everything that ran. Part of `npm run build`; written atomically; a build without it still works (slower).
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { signButton } from '../src/chatops/action-token';
import type * as Program from '../src/cli-program';
import { headerFor, loadProgram, programPaths } from '../src/code-cache';
import { FakeMattermost } from '../tests/fake/fake-mattermost';
import { FakePagerDuty } from '../tests/fake/fake-pagerduty';

const root = join(__dirname, '..');
const data = (name: string) => require('node:fs').readFileSync(join(root, 'test_data', name), 'utf8') as string;

async function main(): Promise<void> {
  const dist = join(root, 'dist');
  // Compiled afresh: a cache loaded now would carry over everything the last training compiled.
  rmSync(programPaths(dist).cache, { force: true });
  const loaded = loadProgram<typeof Program>(dist, createRequire(join(dist, 'cli-program.js')));
  if (!loaded.build) throw new Error('dist/cli-program.js has no build mark: run scripts/bundle.mjs first');
  const { main: cli } = loaded.exports;

  const fake = await new FakeMattermost().start();
  const pd = await new FakePagerDuty('train-pd-token').start();
  const dir = mkdtempSync(join(tmpdir(), 'mattermost-incident-train-'));
  try {
    const bot = fake.addUser('incident-bot', { is_bot: true });
    const people = ['alice', 'bob', 'carol'].map((name) => fake.addUser(name));
    const team = fake.addTeam('ops', [bot.id, ...people.map((p) => p.id)]);
    const token = fake.addToken(bot.id);
    pd.addUser('PALICE1', 'Alice', people[0].email);
    pd.addIncident({ id: 'PTRAIN2', title: 'Training incident' });
    const secret = 'code-cache-training-secret';
    writeFileSync(
      join(dir, 'conf.yaml'),
      dump({
        mattermost_api: { url: fake.url, token },
        notification_settings: { team_name: 'ops', alert_users: people.map((p) => p.username) },
        pagerduty: { api_token: 'train-pd-token', api_url: pd.url },
        chatops: { action_url: 'http://127.0.0.1:9/hooks/mattermost_action', action_secret: secret, command_tokens: ['train-command-token'] },
        state_dir: join(dir, 'state'),
      }),
      { mode: 0o600 },
    );
    const io = { stdout: () => undefined, stderr: () => undefined, cwd: dir };
    const run = (args: string[]) => cli([...args.slice(0, -2), '--config', join(dir, 'conf.yaml'), ...args.slice(-2)], {}, io);
    // What a day of deliveries runs: each generation's flow, every source, an action, a command.
    for (const file of ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json', 'v3/incident.triggered.json', 'v3/incident.acknowledged.json']) await run(['--body', data(file)]);
    for (const [source, files] of [['alertmanager', ['alertmanager/firing.json', 'alertmanager/resolved.json']], ['grafana', ['grafana/firing.json']], ['opsgenie', ['opsgenie/create.json', 'opsgenie/acknowledge.json']]] as const) {
      for (const file of files) await run(['--source', source, '--body', data(file)]);
    }
    await run(['--body', data('incident.trigger.json').split('PT4KHLK').join('PTRAIN2')]);
    const channel = fake.channelByName('incident-ptrain2')!;
    const opening = fake.postsIn(channel.id)[0];
    const context = signButton(secret, { action: 'acknowledge', incidentId: 'PTRAIN2', source: 'pagerduty', team: 'ops', channelId: channel.id });
    const click = { user_id: people[0].id, user_name: 'alice', channel_id: channel.id, channel_name: channel.name, team_id: team.id, team_domain: 'ops', post_id: opening.id, trigger_id: 'x', type: 'button', data_source: '', context };
    await run(['action', '--body', JSON.stringify(click)]);
    await run(['command', '--body', `token=train-command-token&team_id=${team.id}&team_domain=ops&channel_id=${channel.id}&channel_name=${channel.name}&user_id=${people[0].id}&user_name=alice&command=%2Fincident&text=help`]);
  } finally {
    await pd.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
  save(loaded);
  // The Redis library: loaded and a client made, which is what compiling it costs a run.
  rmSync(programPaths(dist, 'redis-client').cache, { force: true });
  const redis = loadProgram<typeof import('../src/state/redis-client')>(dist, createRequire(join(dist, 'redis-client.js')), undefined, 'redis-client');
  const client = new redis.exports.Redis('redis://127.0.0.1:9/0', { lazyConnect: true, retryStrategy: () => null });
  client.disconnect();
  save(redis, 'redis-client');
}

function save(loaded: ReturnType<typeof loadProgram<unknown>>, name = 'cli-program'): void {
  const dist = join(root, 'dist');
  const { cache } = programPaths(dist, name);
  const temporary = `${cache}.tmp-${process.pid}`;
  writeFileSync(temporary, Buffer.concat([Buffer.from(`${JSON.stringify(headerFor(loaded.build!))}\n`), loaded.script.createCachedData()]));
  renameSync(temporary, cache);
}

// A build without the cache still works, compiling as it runs: say so, and let the build go on.
main().then(
  () => process.exit(0),
  (error) => {
    console.error(`warning: code cache not made, deliveries will compile as they run: ${(error as Error).stack ?? error}`);
    rmSync(programPaths(join(root, 'dist')).cache, { force: true });
    process.exit(0);
  },
);

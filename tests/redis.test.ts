/**
 * Several hosts on one Redis (a real redis-server on a loopback port): the lock, the dead letters and the caches
 * shared, so two hosts serving one endpoint behave as one.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { dump } from 'js-yaml';
import type { FakeChannel } from './fake/fake-mattermost';
import { FLOW, withIncident } from './helpers/payloads';
import { type RedisServer, redisInstalled, startRedis, startSentinel } from './helpers/redis-server';
import { BIN, type RunResult, type World, runCli, startWorld } from './helpers/world';

const skip = redisInstalled() ? false : 'redis-server is not installed (apt-get install redis-server)';

let redis: RedisServer;
let world: World | undefined;
before(async () => {
  if (!skip) redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});
afterEach(async () => {
  const done = world;
  world = undefined;
  try {
    if (done) assert.deepEqual(done.fake.violations, []);
  } finally {
    await done?.close();
  }
  // Each test starts with an empty Redis, running (a test may have stopped it).
  if (!skip) await redis.restart();
});

/** A host: its own conf.yaml and state directory, the same Mattermost and the same Redis. */
function host(w: World, name: string, extra: Record<string, unknown> = {}): (args: string[]) => Promise<RunResult> {
  const dir = join(w.dir, name);
  mkdirSync(dir, { recursive: true });
  const conf = join(dir, 'conf.yaml');
  writeFileSync(conf, dump({ ...w.config, state_dir: join(dir, 'state'), redis_url: redis.url, ...extra }));
  chmodSync(conf, 0o600);
  return (args) => runCli(['--config', conf, ...args], { cwd: dir });
}

const IDS = ['PINCA01', 'PINCB02', 'PINCC03', 'PINCD04'];
const eventsOf = (id: string, number: number) => FLOW.map((file) => withIncident(file, id, number));

/** Runs the jobs with at most `width` at once, in the order given. */
async function inParallel<T>(jobs: (() => Promise<T>)[], width: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

/** A shuffle that is the same on every run (the interleaving is chosen, not left to chance). */
function shuffled<T>(items: T[], seed = 7): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const RANK: Record<string, number> = { Triggered: 0, Acknowledged: 1, Resolved: 2 };

/** One channel per incident, one post per event, headers that never went back, one announcement per resolution. */
function assertConsistent(w: World, ids: string[]): void {
  const channels = ids.map((id) => [...w.fake.channels.values()].filter((c) => c.name.startsWith(`incident-${id.toLowerCase()}`)));
  for (const [i, found] of channels.entries()) {
    assert.equal(found.length, 1, `${ids[i]}: one channel`);
    const channel: FakeChannel = found[0];
    const records = w.fake.postsIn(channel.id).filter((p) => p.user_id === w.bot.id).map((p) => p.props.mattermost_incident as { action: string; event_id: string });
    const events = records.filter((r) => r.action !== 'closed').map((r) => r.event_id);
    assert.equal(events.length, 3, `${ids[i]}: one timeline post per event`);
    assert.equal(new Set(events).size, 3);
    const headers = w.fake.postsIn(channel.id, true).filter((p) => p.type === 'system_header_change').map((p) => /\*\*(\w+)\*\*/.exec(String(p.props.new_header))![1]);
    const ranks = [/\*\*(\w+)\*\*/.exec(headers.length > 0 ? '' : channel.header)?.[1] ?? headers[0], ...headers].map((h) => RANK[h]);
    for (let k = 1; k < ranks.length; k++) assert.ok(ranks[k] >= ranks[k - 1], `${ids[i]}: the header went back: ${headers.join(' → ')}`);
    assert.match(channel.header, /Resolved/);
  }
  const announcements = w.fake.postsIn(w.fake.channelByName('town-square')!.id).filter((p) => p.user_id === w.bot.id);
  assert.equal(announcements.length, ids.length, 'one announcement per resolution');
}

describe('two hosts on one Redis', { skip }, () => {
  test('an interleaved burst of the same incidents on both hosts, in parallel: as if one host had it', async () => {
    world = await startWorld();
    const hosts = [host(world, 'host-a'), host(world, 'host-b')];
    // Every event reaches both hosts, as a retry after a timeout or a load balancer's second try would.
    const jobs = shuffled(IDS.flatMap((id, n) => eventsOf(id, 2000 + n).flatMap((body) => hosts.map((run) => () => run(['--body', body])))));
    const results = await inParallel(jobs, 8);
    for (const r of results) assert.ok(r.code === 0 || r.code === 75, r.stderr);
    // What waited too long for a lock is sent again, as the sender does on a 500.
    const retried = await inParallel(jobs.filter((_, i) => results[i].code !== 0), 4);
    for (const r of retried) assert.equal(r.code, 0, r.stderr);
    assertConsistent(world, IDS);
  });

  test('a holder killed while it holds the lock: the next run takes over once the lock expires', async () => {
    // Deadlines of 2 s: the lock lives 5 s, longer, and a busy machine still starts a run well within them.
    world = await startWorld({ config: { deadline_seconds: 2 } });
    const [a, b] = [host(world, 'host-a'), host(world, 'host-b')];
    // Host A stalls creating the channel, holding the incident's lock.
    world.fake.faults.push({ match: 'POST /api/v4/channels', exact: true, times: 1, delayMs: 20_000 });
    const conf = join(world.dir, 'host-a', 'conf.yaml');
    const holder = spawn(process.execPath, [BIN, '--config', conf, '--body', eventsOf('PINCA01', 2000)[0]], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !world.fake.requests.some((r) => r.method === 'POST' && r.path === '/api/v4/channels'); i++) await new Promise((r) => setTimeout(r, 50));
    process.kill(holder.pid!, 'SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    world.fake.faults.length = 0;
    const blocked = await b(['--body', eventsOf('PINCA01', 2000)[0]]);
    assert.equal(blocked.code, 75, 'the lock is still held: the sender retries');
    assert.match(blocked.stderr, /being handled by another delivery \(a lock in Redis\)/);
    await new Promise((r) => setTimeout(r, 5_200));
    const taken = await b(['--body', eventsOf('PINCA01', 2000)[0]]);
    assert.equal(taken.code, 0, taken.stderr);
    assert.match(taken.stdout, /created ~incident-pinca01|updated ~incident-pinca01/);
    void a;
  });

  test('Redis stopped mid-burst: those deliveries answer 75 and write nothing; after it returns, the retries apply them', async () => {
    world = await startWorld();
    const [a, b] = [host(world, 'host-a'), host(world, 'host-b')];
    const [first, ...rest] = IDS.map((id, n) => eventsOf(id, 2000 + n));
    for (const body of first) assert.equal((await a(['--body', body])).code, 0);
    await redis.stop();
    const before = world.fake.requests.length;
    const down = await inParallel(rest.flat().map((body, i) => () => (i % 2 ? a : b)(['--body', body])), 6);
    for (const r of down) {
      assert.equal(r.code, 75, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^mattermost-incident: error: Redis not reachable at redis:\/\/127\.0\.0\.1:\d+\/0 \(connection refused\): nothing was done without its lock; the sender will retry$/m);
    }
    assert.equal(world.fake.requests.length, before, 'not one request to Mattermost without the lock');
    await redis.restart();
    const again = await inParallel(rest.flat().map((body, i) => () => (i % 2 ? b : a)(['--body', body])), 6);
    for (const r of again) assert.equal(r.code, 0, r.stderr);
    assertConsistent(world, IDS);
  });

  test('dead letters: kept once for all hosts, replayed from either, each applied once even by two replays at once', async () => {
    world = await startWorld({ config: { deadline_seconds: 1 } });
    const [a, b] = [host(world, 'host-a'), host(world, 'host-b')];
    world.fake.faults.push({ match: '*', times: Infinity, status: 503, body: 'maintenance' });
    for (const [n, id] of IDS.slice(0, 2).entries()) for (const body of eventsOf(id, 2000 + n)) assert.equal((await (n ? b : a)(['--body', body])).code, 75);
    world.fake.faults.length = 0;
    const [ra, rb] = await Promise.all([a(['replay']), b(['replay'])]);
    assert.equal(ra.code, 0, ra.stderr);
    assert.equal(rb.code, 0, rb.stderr);
    const applied = [ra, rb].map((r) => Number(/replayed (\d+)/.exec(r.stdout)?.[1] ?? -1));
    assert.equal(applied[0] + applied[1], 6, `${ra.stdout}\n${rb.stdout}`);
    assertConsistent(world, IDS.slice(0, 2));
    assert.match((await a(['replay'])).stdout, /replayed 0 dead letter\(s\), 0 left/);
  });

  test('keys are per Mattermost URL and team: another team on the same Redis sees none of these letters', async () => {
    world = await startWorld({ config: { deadline_seconds: 1 } });
    const mine = host(world, 'host-a');
    world.fake.addTeam('other', [world.bot.id]);
    const other = host(world, 'host-o', { notification_settings: { ...world.config.notification_settings, team_name: 'other' } });
    world.fake.faults.push({ match: '*', times: Infinity, status: 503, body: 'maintenance' });
    assert.equal((await mine(['--body', eventsOf('PINCA01', 2000)[0]])).code, 75);
    world.fake.faults.length = 0;
    assert.match((await other(['replay'])).stdout, /replayed 0 dead letter\(s\), 0 left/);
    assert.match((await mine(['replay'])).stdout, /replayed 1 dead letter\(s\), 0 left/);
  });

  test('check reports Redis; a password in the URL is never printed', async () => {
    const secured = await startRedis({ password: 'redis-s3cret-pw' });
    try {
      world = await startWorld();
      const good = await host(world, 'host-a', { redis_url: secured.url })(['check']);
      assert.match(good.stdout, /^ok +Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 works: locks, dead letters and caches are shared/m);
      const wrong = await host(world, 'host-b', { redis_url: secured.url.replace('redis-s3cret-pw', 'wrong-password') })(['check']);
      assert.match(wrong.stdout, /^FAIL +Redis not reachable at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 \(the password was refused\)/m);
      await secured.stop();
      const down = await host(world, 'host-c', { redis_url: secured.url })(['--body', eventsOf('PINCA01', 2000)[0]]);
      assert.equal(down.code, 75);
      for (const text of [good.stdout, good.stderr, wrong.stdout, down.stderr]) assert.ok(!text.includes('redis-s3cret-pw') && !text.includes('wrong-password'));
    } finally {
      await secured.stop();
    }
  });

  test('through Sentinel: the master it names serves the lock and the letters', async () => {
    world = await startWorld();
    const sentinel = await startSentinel(redis, world.dir);
    try {
      const run = host(world, 'host-s', { redis_url: sentinel.url });
      for (const body of eventsOf('PINCA01', 2000)) assert.equal((await run(['--body', body])).code, 0);
      assert.match((await run(['check'])).stdout, /^ok +Redis at redis\+sentinel:\/\/127\.0\.0\.1:\d+\/mymaster\/0 works/m);
      assertConsistent(world, ['PINCA01']);
    } finally {
      await sentinel.stop();
    }
  });
});

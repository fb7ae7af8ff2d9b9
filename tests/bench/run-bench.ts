/**
 * `npm run bench`: round trips, latency, memory and bursts, each printed against its target and written to
 * tests/bench/results.json. Not part of `npm test`: timings are measured here, never asserted in tests.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, hooksFromSample, post, startDaemon, webhookInstalled } from '../helpers/webhook-daemon';
import { redisInstalled, startRedis } from '../helpers/redis-server';
import { BIN, ROOT, startWorld, testData } from '../helpers/world';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const USAGE = join(__dirname, 'report-usage.js');
const FLOOR = join(__dirname, 'floor.js');
const LATENCY_MS = 50;

interface Row {
  measure: string;
  value: number | string;
  target?: string;
  ok?: boolean;
}
const rows: Row[] = [];
const results: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model };

function row(measure: string, value: number | string, target?: string, ok?: boolean) {
  rows.push({ measure, value, target, ok });
  console.log(`${measure.padEnd(58)} ${String(value).padStart(10)}  ${target ? `${ok ? 'ok  ' : 'MISS'} target ${target}` : ''}`);
}

/** A trigger for a fresh incident, so every measured run does the full work. */
let incidentCounter = 0;
function freshIncident(file = 'incident.trigger.json'): string {
  const id = `PBENCH${String(++incidentCounter).padStart(4, '0')}`;
  return testData(file).split('PT4KHLK').join(id).replace(/"id": "([0-9a-f-]{36})"/, `"id": "$1-${id}"`);
}

/** CPU time the machine spent busy so far (all cores, from /proc/stat), or NaN where there is none. */
function machineBusySeconds(): number {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    const idle = fields[3] + fields[4];
    return (fields.reduce((a, b) => a + b, 0) - idle) / 100;
  } catch {
    return Number.NaN;
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Usage {
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
  code: number | null;
  stderr: string;
}

/**
 * Runs `node -r report-usage <args>` and returns its wall time (from here) and its own CPU time and peak RSS.
 * Asynchronous, so the fake Mattermost in this process keeps answering.
 */
function measure(args: string[], cwd: string): Promise<Usage> {
  const file = join(tmpdir(), `bench-usage-${process.pid}.jsonl`);
  rmSync(file, { force: true });
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ['-r', USAGE, ...args], { cwd, env: { PATH: process.env.PATH, BENCH_USAGE_FILE: file }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
      const usage = JSON.parse(readFileSync(file, 'utf8').trim().split('\n').pop()!);
      resolve({ wallMs, cpuMs: usage.cpuMs, maxRssKb: usage.maxRssKb, code, stderr });
    });
  });
}

async function requestCounts(): Promise<void> {
  console.log('\n1. Mattermost requests per event (counted by the fake Mattermost)');
  const counts: Record<string, Record<string, number>> = {};
  for (const users of [3, 50]) {
    for (const auth of ['token', 'login'] as const) {
      const world = await startWorld({ alertUsers: Array.from({ length: users }, (_, i) => `user${i}`), auth });
      const perEvent: Record<string, number> = {};
      for (const [event, file] of [['trigger', 'incident.trigger.json'], ['acknowledge', 'incident.acknowledge.json'], ['resolve', 'incident.resolve.json']]) {
        const before = world.fake.requests.length;
        const result = await world.run([testData(file)]);
        if (result.code !== 0) throw new Error(`${event} failed: ${result.stderr}`);
        perEvent[event] = world.fake.requests.length - before;
      }
      counts[`${users} users, ${auth}`] = perEvent;
      const extra = auth === 'login' ? 1 : 0;
      row(`trigger, ${users} alert users${auth === 'login' ? ', legacy login' : ''}`, perEvent.trigger, `≤ ${5 + extra}`, perEvent.trigger <= 5 + extra);
      row(`acknowledge, ${users} alert users${auth === 'login' ? ', legacy login' : ''}`, perEvent.acknowledge, `≤ ${4 + extra}`, perEvent.acknowledge <= 4 + extra);
      row(`resolve, ${users} alert users${auth === 'login' ? ', legacy login' : ''} (one removal per user)`, perEvent.resolve);
      await world.close();
    }
  }
  results.requests = counts;
}

async function processCosts(): Promise<void> {
  console.log(`\n2-3. One delivery, compiled CLI, trigger with 3 users, fake Mattermost on loopback (median of ${RUNS}, alternated with node -e 0)`);
  const world = await startWorld();
  await world.run([freshIncident()]); // warm-up: the first run of a host also learns the team id
  const samples = { node: [] as Usage[], floor: [] as Usage[], delivery: [] as Usage[], version: [] as Usage[] };
  for (let i = 0; i < RUNS; i++) {
    samples.node.push(await measure(['-e', '0'], world.dir));
    const floor = await measure([FLOOR, world.fake.url, world.token, world.team.id, freshIncident()], world.dir);
    if (floor.code !== 0) throw new Error(`the floor script failed: ${floor.stderr}`);
    samples.floor.push(floor);
    const delivery = await measure([BIN, freshIncident()], world.dir);
    if (delivery.code !== 0) throw new Error(`a measured delivery failed: ${delivery.stderr}`);
    samples.delivery.push(delivery);
    samples.version.push(await measure([BIN, '--version'], world.dir));
  }
  await world.close();
  const m = (list: Usage[], key: keyof Usage) => median(list.map((u) => u[key] as number));
  const node = { wall: m(samples.node, 'wallMs'), cpu: m(samples.node, 'cpuMs'), rss: m(samples.node, 'maxRssKb') };
  const ratio = (x: number, y: number) => Math.round((x / y) * 100) / 100;
  row('node -e 0: wall ms', Math.round(node.wall));
  row('node -e 0: CPU ms', Math.round(node.cpu));
  row('node -e 0: peak RSS MiB', Math.round(node.rss / 102.4) / 10);
  const floor = { wall: m(samples.floor, 'wallMs'), cpu: m(samples.floor, 'cpuMs') };
  row('floor (bare node:http, the same 4 requests): wall ms', Math.round(floor.wall));
  row('floor: wall / node -e 0', ratio(floor.wall, node.wall));
  const delivery = { wall: m(samples.delivery, 'wallMs'), cpu: m(samples.delivery, 'cpuMs'), rss: m(samples.delivery, 'maxRssKb') };
  row('delivery: wall ms', Math.round(delivery.wall));
  row('delivery: wall / node -e 0', ratio(delivery.wall, node.wall), '≤ 2.0×', delivery.wall / node.wall <= 2.0);
  row('delivery: wall / floor', ratio(delivery.wall, floor.wall), '≤ 1.2×', delivery.wall / floor.wall <= 1.2);
  row('delivery: CPU / node -e 0', ratio(delivery.cpu, node.cpu));
  row('delivery: peak RSS / node -e 0', ratio(delivery.rss, node.rss), '≤ 1.5×', delivery.rss / node.rss <= 1.5);
  const version = { wall: m(samples.version, 'wallMs'), cpu: m(samples.version, 'cpuMs') };
  row('--version: wall / node -e 0', ratio(version.wall, node.wall), '≤ 1.2×', version.wall / node.wall <= 1.2);
  row('--version: CPU / node -e 0', ratio(version.cpu, node.cpu));
  results.process = { node, floor, delivery, version, runs: RUNS };
}

/**
 * The same trigger against a server with no added latency and with 50 ms on every request: the difference,
 * divided by 50 ms, is the number of round trips the delivery waits for one after the other (requests sent
 * in parallel count once). Process start-up and CPU time are in both runs, so they cancel out.
 */
async function criticalPath(): Promise<void> {
  console.log(`\n4. Critical path with ${LATENCY_MS} ms added to every Mattermost request`);
  const paths: Record<string, { endToEndMs: number; roundTrips: number }> = {};
  for (const auth of ['token', 'login'] as const) {
    const walls: Record<number, number[]> = { 0: [], [LATENCY_MS]: [] };
    for (const latency of [0, LATENCY_MS]) {
      const world = await startWorld({ latencyMs: latency, auth, config: { deadline_seconds: 10 } });
      await world.run([freshIncident()]); // the first run of a host also learns the team id
      for (let i = 0; i < 7; i++) walls[latency].push((await measure([BIN, freshIncident()], world.dir)).wallMs);
      await world.close();
    }
    const endToEndMs = median(walls[LATENCY_MS]);
    const roundTrips = Math.round(((endToEndMs - median(walls[0])) / LATENCY_MS) * 10) / 10;
    paths[auth] = { endToEndMs, roundTrips };
    const limit = auth === 'login' ? 4 : 3;
    row(`trigger end to end${auth === 'login' ? ', legacy login' : ''}, ${LATENCY_MS} ms per request: ms`, Math.round(endToEndMs));
    row(`  round trips on its critical path`, roundTrips, `≤ ${limit}`, roundTrips <= limit + 0.4);
  }
  results.criticalPath = paths;
}

/**
 * 100 incidents × trigger, acknowledge, resolve in random order, ≤ 50 in flight: on one host with files, or on two
 * hosts (two daemons, two state directories) sharing one Redis, the deliveries dealt between them in turn.
 */
async function burst(store: 'files' | 'redis'): Promise<void> {
  const hostsCount = store === 'redis' ? 2 : 1;
  console.log(`\n${store === 'files' ? '5' : '6'}. Burst: 100 incidents × trigger, acknowledge, resolve through the webhook daemon, random order, ≤ 50 in flight, ${store === 'files' ? 'one host, state in files' : 'two hosts sharing one Redis'}`);
  if (!webhookInstalled()) {
    row(`burst (${store})`, 'skipped: webhook is not installed');
    return;
  }
  if (store === 'redis' && !redisInstalled()) {
    row('burst (redis)', 'skipped: redis-server is not installed');
    return;
  }
  const redis = store === 'redis' ? await startRedis() : undefined;
  const world = await startWorld(redis ? { config: { redis_url: redis.url } } : {});
  const daemons: Daemon[] = [];
  for (let h = 0; h < hostsCount; h++) {
    const dir = join(world.dir, `host-${h}`);
    mkdirSync(dir, { recursive: true });
    const conf = join(dir, 'conf.yaml');
    writeFileSync(conf, readFileSync(world.confPath, 'utf8').replace(/state_dir: .*/, `state_dir: ${join(dir, 'state')}`), { mode: 0o600 });
    daemons.push(await startDaemon(hooksFromSample(dir, join(dir, 'hooks.json')), { MATTERMOST_INCIDENT_CONFIG: conf }));
  }
  let turn = 0;
  const daemonUrl = () => daemons[turn++ % daemons.length].url;
  try {
    const deliveries: { id: string; body: string }[] = [];
    for (let i = 0; i < 100; i++) {
      const id = `PBURST${String(i).padStart(3, '0')}`;
      for (const file of ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json']) {
        deliveries.push({ id, body: testData(file).split('PT4KHLK').join(id).replace(/"id": "([0-9a-f-]{36})"/, `"id": "$1-${id}"`) });
      }
    }
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }
    let retries = 0;
    let failed = 0;
    let next = 0;
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    const start = process.hrtime.bigint();
    const worker = async () => {
      while (next < deliveries.length) {
        const delivery = deliveries[next++];
        // As PagerDuty does: a 500 is retried (here at once, a few times).
        for (let attempt = 0; ; attempt++) {
          const answer = await post(`${daemonUrl()}/hooks/pagerduty_hook`, delivery.body);
          if (answer.status === 200) break;
          if (attempt >= 4) {
            failed++;
            break;
          }
          retries++;
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const channels = [...world.fake.channels.values()].filter((c) => c.name.startsWith('incident-pburst'));
    const byIncident = new Map<string, number>();
    for (const c of channels) byIncident.set(c.name.replace(/-\d+$/, ''), (byIncident.get(c.name.replace(/-\d+$/, '')) ?? 0) + 1);
    const duplicateChannels = [...byIncident.values()].reduce((sum, n) => sum + n - 1, 0);
    const townSquare = world.fake.channelByName('town-square')!;
    const announced = new Map<string, number>();
    for (const p of world.fake.postsIn(townSquare.id)) {
      const id = (p.props.mattermost_incident as { incident_id?: string } | undefined)?.incident_id ?? '';
      announced.set(id, (announced.get(id) ?? 0) + 1);
    }
    const duplicateAnnouncements = [...announced.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    let lost = 0;
    let notResolved = 0;
    for (let i = 0; i < 100; i++) {
      const id = `PBURST${String(i).padStart(3, '0')}`;
      const channel = world.fake.channelByName(`incident-${id.toLowerCase()}`);
      if (!channel) {
        lost += 3;
        continue;
      }
      const events = new Set(world.fake.postsIn(channel.id).map((p) => (p.props.mattermost_incident as { event_id?: string; action?: string } | undefined)).filter((r) => r && r.action !== 'closed').map((r) => r!.event_id));
      lost += 3 - events.size;
      if (!/Resolved/.test(channel.header)) notResolved++;
      if (!announced.has(id)) lost++;
    }
    const benchCpu = process.cpuUsage(cpuBefore);
    const machineBusy = machineBusySeconds() - machineBefore;
    row('deliveries per second', Math.round((300 / seconds) * 10) / 10);
    row('  CPU seconds of the fake Mattermost and this harness', Math.round((benchCpu.user + benchCpu.system) / 1e5) / 10);
    row('  CPU seconds of the whole machine (all cores)', Math.round(machineBusy * 10) / 10);
    row('retried deliveries (HTTP 500, as PagerDuty would retry)', retries);
    row('deliveries still failing after 5 attempts', failed, '0', failed === 0);
    row('lost events', lost, '0', lost === 0);
    row('duplicate channels', duplicateChannels, '0', duplicateChannels === 0);
    row('duplicate announcements', duplicateAnnouncements, '0', duplicateAnnouncements === 0);
    row('headers not showing Resolved', notResolved, '0', notResolved === 0);
    results[store === 'files' ? 'burst' : 'burstRedis'] = { hosts: hostsCount, seconds, perSecond: 300 / seconds, retries, failed, lost, duplicateChannels, duplicateAnnouncements, notResolved, violations: world.fake.violations.length };
  } finally {
    for (const d of daemons) await d.stop();
    await world.close();
    await redis?.stop();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('build first: npm run build');
  // BENCH_ONLY=requests,process,critical,burst,burst-redis runs a part (results.json then holds only that part).
  const only = process.env.BENCH_ONLY?.split(',');
  const parts: [string, () => Promise<void>][] = [['requests', requestCounts], ['process', processCosts], ['critical', criticalPath], ['burst', () => burst('files')], ['burst-redis', () => burst('redis')]];
  for (const [name, part] of parts) if (!only || only.includes(name)) await part();
  results.rows = rows;
  writeFileSync(join(__dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const missed = rows.filter((r) => r.target && !r.ok);
  console.log(`\n${rows.filter((r) => r.target).length - missed.length} of ${rows.filter((r) => r.target).length} targets met; results in tests/bench/results.json`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

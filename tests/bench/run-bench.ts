/**
 * `npm run bench`: round trips, latency, memory and bursts, each printed against its target and written to
 * tests/bench/results.json. Not part of `npm test`: timings are measured here, never asserted in tests.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Daemon, hooksFromSample, post, startDaemon, webhookInstalled } from '../helpers/webhook-daemon';
import { signButton } from '../../src/chatops/action-token';
import { FakePagerDuty } from '../fake/fake-pagerduty';
import { redisInstalled, startRedis } from '../helpers/redis-server';
import { validateConfig } from '../../src/config/validate-config';
import { sourceFor } from '../../src/sources/registry';
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
  // The same build without its code cache, to show what the cache saves.
  const uncached = mkdtempSync(join(tmpdir(), 'bench-no-cache-'));
  cpSync(join(ROOT, 'bin'), join(uncached, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(uncached, 'dist'), { recursive: true, filter: (path) => !path.endsWith('.cache') });
  const samples = { node: [] as Usage[], floor: [] as Usage[], delivery: [] as Usage[], noCache: [] as Usage[], version: [] as Usage[] };
  for (let i = 0; i < RUNS; i++) {
    samples.node.push(await measure(['-e', '0'], world.dir));
    const floor = await measure([FLOOR, world.fake.url, world.token, world.team.id, freshIncident()], world.dir);
    if (floor.code !== 0) throw new Error(`the floor script failed: ${floor.stderr}`);
    samples.floor.push(floor);
    const delivery = await measure([BIN, freshIncident()], world.dir);
    if (delivery.code !== 0) throw new Error(`a measured delivery failed: ${delivery.stderr}`);
    samples.delivery.push(delivery);
    const noCache = await measure([join(uncached, 'bin', 'mattermost-incident'), freshIncident()], world.dir);
    if (noCache.code !== 0) throw new Error(`a delivery without the code cache failed: ${noCache.stderr}`);
    samples.noCache.push(noCache);
    samples.version.push(await measure([BIN, '--version'], world.dir));
  }
  rmSync(uncached, { recursive: true, force: true });
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
  const noCache = { wall: m(samples.noCache, 'wallMs'), cpu: m(samples.noCache, 'cpuMs') };
  row('delivery without the code cache: wall / node -e 0', ratio(noCache.wall, node.wall));
  row('delivery without the code cache: CPU / node -e 0', ratio(noCache.cpu, node.cpu));
  const version = { wall: m(samples.version, 'wallMs'), cpu: m(samples.version, 'cpuMs') };
  row('--version: wall / node -e 0', ratio(version.wall, node.wall), '≤ 1.2×', version.wall / node.wall <= 1.2);
  row('--version: CPU / node -e 0', ratio(version.cpu, node.cpu));
  results.process = { node, floor, delivery, noCache, version, runs: RUNS };
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
    const worlds = await Promise.all([0, LATENCY_MS].map((latencyMs) => startWorld({ latencyMs, auth, config: { deadline_seconds: 10 } })));
    for (const world of worlds) await world.run([freshIncident()]); // the first run of a host also learns the team id
    // Alternated, so that the machine's drift over the run falls on both sides of the difference.
    for (let i = 0; i < 9; i++) for (const [k, latency] of [0, LATENCY_MS].entries()) walls[latency].push((await measure([BIN, freshIncident()], worlds[k].dir)).wallMs);
    for (const world of worlds) await world.close();
    const endToEndMs = median(walls[LATENCY_MS]);
    const roundTrips = Math.round(((endToEndMs - median(walls[0])) / LATENCY_MS) * 10) / 10;
    paths[auth] = { endToEndMs, roundTrips };
    const limit = auth === 'login' ? 4 : 3;
    row(`trigger end to end${auth === 'login' ? ', legacy login' : ''}, ${LATENCY_MS} ms per request: ms`, Math.round(endToEndMs));
    row(`  round trips on its critical path`, roundTrips, `≤ ${limit}`, roundTrips <= limit + 0.4);
  }
  results.criticalPath = paths;
}

interface BurstIncident {
  readonly key: string;
  readonly hook: string;
  readonly deliveries: readonly string[];
  /** The incident's id as the tool names it (its records carry it). */
  readonly incidentId: string;
  /** Its deliveries are sent in order (an alert group's resolution after its firing). */
  readonly ordered: boolean;
}

/** The incident a delivery is about, as the tool's own parser reads it. */
function incidentIdOf(source: 'alertmanager' | 'grafana' | 'opsgenie', body: string): string {
  const parser = sourceFor(source);
  const { config } = validateConfig({ mattermost_api: { url: 'http://127.0.0.1', token: 'bench-token' }, notification_settings: { team_name: 'ops' } }, {}, 'bench');
  const decoded = parser.decode ? parser.decode(Buffer.from(body)) : JSON.parse(body);
  const [event] = parser.parse(decoded, config, { receivedAt: new Date().toISOString() });
  if (!event || event.kind === 'ignored') throw new Error(`a burst delivery of ${source} is not an incident event`);
  return event.incident.id;
}

/** The burst's incidents, each source's own test data made into another incident. */
function burstIncidents(): BurstIncident[] {
  const incidents: BurstIncident[] = [];
  for (let i = 0; i < 60; i++) {
    const id = `PBURST${String(i).padStart(3, '0')}`;
    const deliveries = ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json'].map((file) => testData(file).split('PT4KHLK').join(id).replace(/"id": "([0-9a-f-]{36})"/, `"id": "$1-${id}"`));
    incidents.push({ key: id, hook: 'pagerduty_hook', deliveries, incidentId: id, ordered: false });
  }
  for (const [source, firing, resolved] of [['alertmanager', 'alertmanager/firing.json', 'alertmanager/resolved.json'], ['grafana', 'grafana/firing.json', 'grafana/resolved.json']] as const) {
    for (let i = 0; i < 20; i++) {
      const group = (file: string) => {
        const body = JSON.parse(testData(file));
        body.groupKey = `${body.groupKey}-burst${i}`;
        return JSON.stringify(body);
      };
      const deliveries = [group(firing), group(resolved)];
      incidents.push({ key: `${source}${i}`, hook: source, deliveries, incidentId: incidentIdOf(source, deliveries[0]), ordered: true });
    }
  }
  for (let i = 0; i < 10; i++) {
    const alert = (file: string) => {
      const body = JSON.parse(testData(`opsgenie/${file}`).replace(/"updatedAt": (\d+)/, '"updatedAt": "$1"'));
      body.alert.alertId = `burst-alert-${i}`;
      body.alert.tinyId = String(3000 + i);
      if (body.alertFlowContext) body.alertFlowContext.requestId = `${body.alertFlowContext.requestId}-${i}`;
      return JSON.stringify(body).replace(/"updatedAt":"(\d+)"/, '"updatedAt":$1');
    };
    const deliveries = ['create.json', 'acknowledge.json', 'assignownership.json', 'close.json'].map(alert);
    incidents.push({ key: `opsgenie${i}`, hook: 'opsgenie', deliveries, incidentId: incidentIdOf('opsgenie', deliveries[0]), ordered: false });
  }
  return incidents;
}

/**
 * The burst, in random order, ≤ 50 in flight: on one host with files, or on two hosts (two daemons, two state
 * directories) sharing one Redis, the deliveries dealt between them in turn.
 */
/**
 * An Acknowledge click, from the request to the reply, run as the action hook runs it. 50 ms added to every
 * PagerDuty (or Mattermost) request, against none: the difference over 50 ms is the number of round trips to it
 * on the click's critical path; with the person's PagerDuty user found before (cached) and not.
 */
async function actionClick(): Promise<void> {
  console.log(`\n5. An action click (Acknowledge), request to reply, ${LATENCY_MS} ms added to every PagerDuty or Mattermost request`);
  const secret = 'bench-action-secret-0123456789';
  const clicks: Record<string, number> = {};
  for (const mapping of ['cached', 'uncached'] as const) {
    for (const far of ['PagerDuty', 'Mattermost'] as const) {
      const walls: Record<number, number[]> = { 0: [], [LATENCY_MS]: [] };
      for (const latency of [0, LATENCY_MS]) {
        const pd = await new FakePagerDuty('bench-pd-token').start();
        const world = await startWorld({ extraUsers: Array.from({ length: 6 }, (_, i) => `clicker${i}`), config: { deadline_seconds: 10, pagerduty: { api_token: 'bench-pd-token', api_url: pd.url }, chatops: { action_url: 'http://127.0.0.1:9/hooks/mattermost_action', action_secret: secret } } });
        for (const [name, user] of Object.entries(world.users)) pd.addUser(`P${name.toUpperCase()}`.slice(0, 12), name, user.email);
        for (let i = 0; i < 6; i++) {
          const id = `PCLICK${mapping[0]}${far[0]}${latency}${i}`.toUpperCase();
          pd.addIncident({ id, title: `Click ${i}` });
          const trigger = await world.run([testData('incident.trigger.json').split('PT4KHLK').join(id).replace(/"id": "([0-9a-f-]{36})"/, `"id": "$1-${id}"`)]);
          if (trigger.code !== 0) throw new Error(`the click's incident did not open: ${trigger.stderr}`);
          const channel = world.fake.channelByName(`incident-${id.toLowerCase()}`)!;
          // The same person each time when cached (after a first, unmeasured click), someone new when not.
          const clicker = world.users[mapping === 'cached' ? 'clicker0' : `clicker${i}`];
          world.fake.addTeamMember(world.team.id, clicker.id);
          world.fake.channelMembers.get(channel.id)!.add(clicker.id);
          const body = JSON.stringify({ user_id: clicker.id, user_name: clicker.username, channel_id: channel.id, channel_name: channel.name, team_id: world.team.id, team_domain: 'ops', post_id: world.fake.postsIn(channel.id)[0].id, trigger_id: 't', type: 'button', data_source: '', context: signButton(secret, { action: 'acknowledge', incidentId: id, source: 'pagerduty', team: 'ops', channelId: channel.id }) });
          if (mapping === 'cached' && i === 0) await world.run(['action', '--body', body.replace(id, `${id}X`)]);
          pd.latencyMs = far === 'PagerDuty' ? latency : 0;
          world.fake.options.latencyMs = far === 'Mattermost' ? latency : 0;
          const usage = await measure([BIN, 'action', '--body', body], world.dir);
          pd.latencyMs = 0;
          world.fake.options.latencyMs = 0;
          if (i > 0 || mapping === 'uncached') walls[latency].push(usage.wallMs);
        }
        await world.close();
        await pd.close();
      }
      const trips = Math.round(((median(walls[LATENCY_MS]) - median(walls[0])) / LATENCY_MS) * 10) / 10;
      clicks[`${mapping} ${far}`] = trips;
      const target = mapping === 'cached' && far === 'PagerDuty' ? '≤ 1' : undefined;
      row(`click, PagerDuty user ${mapping}: round trips to ${far}`, trips, target, target ? trips <= 1.4 : undefined);
    }
  }
  results.actionClick = clicks;
}

async function burst(store: 'files' | 'redis'): Promise<void> {
  const hostsCount = store === 'redis' ? 2 : 1;
  console.log(`\n${store === 'files' ? '6' : '7'}. Burst: 300 deliveries of every source (60 PagerDuty incidents × trigger, acknowledge, resolve; 20 Alertmanager and 20 Grafana groups × firing, resolved; 10 Opsgenie alerts × create, acknowledge, assign, close), through the webhook daemon, random order, ≤ 50 in flight, ${store === 'files' ? 'one host, state in files' : 'two hosts sharing one Redis'}`);
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
    const incidents = burstIncidents();
    const queue = incidents.flatMap((incident) => incident.deliveries.map((body) => ({ incident, body })));
    for (let i = queue.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [queue[i], queue[j]] = [queue[j], queue[i]];
    }
    // An alert group's resolution is sent after its firing message was answered, as its sender does.
    const done = new Map<string, Map<string, () => void>>();
    const waits = new Map<string, Promise<void>>();
    for (const incident of incidents.filter((x) => x.ordered)) {
      const resolvers = new Map<string, () => void>();
      incident.deliveries.forEach((body, k) => {
        if (k > 0) waits.set(body, new Promise<void>((resolve) => resolvers.set(incident.deliveries[k - 1], resolve)));
      });
      done.set(incident.key, resolvers);
    }
    let retries = 0;
    let failed = 0;
    let next = 0;
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusySeconds();
    const start = process.hrtime.bigint();
    const worker = async () => {
      while (next < queue.length) {
        const { incident, body } = queue[next++];
        await waits.get(body);
        // As the senders do: a 500 is retried (here at once, a few times).
        for (let attempt = 0; ; attempt++) {
          const answer = await post(`${daemonUrl()}/hooks/${incident.hook}`, body);
          if (answer.status === 200) break;
          if (attempt >= 4) {
            failed++;
            break;
          }
          retries++;
        }
        done.get(incident.key)?.get(body)?.();
      }
    };
    await Promise.all(Array.from({ length: 50 }, worker));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const townSquare = world.fake.channelByName('town-square')!;
    const announced = new Map<string, number>();
    for (const p of world.fake.postsIn(townSquare.id)) {
      const id = (p.props.mattermost_incident as { incident_id?: string } | undefined)?.incident_id ?? '';
      announced.set(id, (announced.get(id) ?? 0) + 1);
    }
    const duplicateAnnouncements = [...announced.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    let lost = 0;
    let notResolved = 0;
    let duplicateChannels = 0;
    // Each channel by the incident its tool's records name.
    const channelsOf = new Map<string, { header: string; events: Set<string> }[]>();
    for (const channel of world.fake.channels.values()) {
      const records = world.fake.postsIn(channel.id).filter((p) => p.user_id === world.bot.id).map((p) => p.props.mattermost_incident as { event_id?: string; action?: string; incident_id?: string } | undefined);
      const id = records.find((r) => r?.incident_id)?.incident_id;
      if (!id || channel.name === 'town-square') continue;
      const events = new Set(records.filter((r) => r && r.action !== 'closed' && r.action !== 'linked').map((r) => r!.event_id!));
      channelsOf.set(id, [...(channelsOf.get(id) ?? []), { header: channel.header, events }]);
    }
    for (const incident of incidents) {
      const channels = channelsOf.get(incident.incidentId) ?? [];
      duplicateChannels += Math.max(0, channels.length - 1);
      const channel = channels[0];
      if (!channel) {
        lost += incident.deliveries.length;
        continue;
      }
      lost += Math.max(0, incident.deliveries.length - channel.events.size);
      if (!/Resolved/.test(channel.header)) notResolved++;
      if (!announced.has(incident.incidentId)) lost++;
    }
    const benchCpu = process.cpuUsage(cpuBefore);
    const machineBusy = machineBusySeconds() - machineBefore;
    const total = queue.length;
    row('deliveries per second', Math.round((total / seconds) * 10) / 10, store === 'files' ? '≥ 21 (1.5 × 14)' : undefined, store === 'files' ? total / seconds >= 21 : undefined);
    row('  CPU seconds of the fake Mattermost and this harness', Math.round((benchCpu.user + benchCpu.system) / 1e5) / 10);
    row('  CPU seconds of the whole machine (all cores)', Math.round(machineBusy * 10) / 10);
    row('retried deliveries (HTTP 500: past the deadline)', retries, '0', retries === 0);
    row('deliveries still failing after 5 attempts', failed, '0', failed === 0);
    row('lost events', lost, '0', lost === 0);
    row('duplicate channels', duplicateChannels, '0', duplicateChannels === 0);
    row('duplicate announcements', duplicateAnnouncements, '0', duplicateAnnouncements === 0);
    row('incidents not showing Resolved', notResolved, '0', notResolved === 0);
    results[store === 'files' ? 'burst' : 'burstRedis'] = { hosts: hostsCount, deliveries: total, seconds, perSecond: total / seconds, retries, failed, lost, duplicateChannels, duplicateAnnouncements, notResolved, violations: world.fake.violations.length };
  } finally {
    for (const d of daemons) await d.stop();
    await world.close();
    await redis?.stop();
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('build first: npm run build');
  // BENCH_ONLY=requests,process,critical,click,burst,burst-redis runs a part (results.json then holds only that part).
  const only = process.env.BENCH_ONLY?.split(',');
  const parts: [string, () => Promise<void>][] = [['requests', requestCounts], ['process', processCosts], ['critical', criticalPath], ['click', actionClick], ['burst', () => burst('files')], ['burst-redis', () => burst('redis')]];
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

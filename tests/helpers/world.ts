/** Test fixtures: a seeded fake Mattermost, a conf.yaml for it, and the compiled CLI run as a child process. */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump } from 'js-yaml';
import { FakeMattermost, type FakeOptions, type FakeUser } from '../fake/fake-mattermost';

export const ROOT = join(__dirname, '..', '..');
export const BIN = join(ROOT, 'bin', 'mattermost-incident');

export function testData(name: string): string {
  return readFileSync(join(ROOT, 'test_data', name), 'utf8');
}

export interface WorldOptions extends FakeOptions {
  teamName?: string;
  alertUsers?: string[];
  /** Extra users that exist but are not alert users. */
  extraUsers?: string[];
  auth?: 'token' | 'login';
  /** Written over the generated conf.yaml (top-level keys replace, sections merge). */
  config?: Record<string, any>;
  urlSuffix?: string;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface World {
  fake: FakeMattermost;
  dir: string;
  confPath: string;
  token: string;
  bot: FakeUser;
  users: Record<string, FakeUser>;
  team: { id: string; name: string };
  config: Record<string, any>;
  run(args: string[], options?: { env?: Record<string, string>; input?: string | Buffer; cwd?: string }): Promise<RunResult>;
  writeConfig(config: Record<string, any>): void;
  close(): Promise<void>;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const fake = await new FakeMattermost(options).start();
  const teamName = options.teamName ?? 'ops';
  const alertUsers = options.alertUsers ?? ['alice', 'bob', 'carol'];
  const bot = fake.addUser('incident-bot', { is_bot: true, first_name: 'Incident', last_name: 'Bot', password: 'bot-password-1' });
  const users: Record<string, FakeUser> = {};
  for (const name of [...alertUsers, ...(options.extraUsers ?? [])]) users[name] = fake.addUser(name);
  const team = fake.addTeam(teamName, [bot.id, ...Object.values(users).map((u) => u.id)]);
  const token = fake.addToken(bot.id, 'bot-token-5f2c8e1d9a7b');
  const dir = mkdtempSync(join(tmpdir(), 'mi-test-'));
  const confPath = join(dir, 'conf.yaml');
  const api = options.auth === 'login' ? { url: fake.url + (options.urlSuffix ?? '/'), login_id: 'incident-bot', password: 'bot-password-1' } : { url: fake.url + (options.urlSuffix ?? '/'), token };
  const base: Record<string, any> = {
    mattermost_api: api,
    notification_settings: { team_name: teamName, alert_users: alertUsers },
    state_dir: join(dir, 'state'),
  };
  const config = merge(base, options.config ?? {});
  const world: World = {
    fake,
    dir,
    confPath,
    token,
    bot,
    users,
    team,
    config,
    writeConfig(next) {
      writeFileSync(confPath, dump(next));
      chmodSync(confPath, 0o600);
    },
    run: (args, runOptions = {}) => runCli(args, { cwd: runOptions.cwd ?? dir, env: runOptions.env, input: runOptions.input }),
    async close() {
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  world.writeConfig(config);
  return world;
}

function merge(base: Record<string, any>, over: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = value && typeof value === 'object' && !Array.isArray(value) && typeof base[key] === 'object' ? { ...base[key], ...value } : value;
  }
  return out;
}

/** Runs the compiled executable with a clean environment (only what the test passes, plus PATH). */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; input?: string | Buffer } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

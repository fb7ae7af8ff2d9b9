/** Runs the real adnanh/webhook daemon with a hooks file made from hooks.json.sample (only paths changed). */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ROOT } from './world';

export const WEBHOOK_BIN = '/usr/bin/webhook';
export const webhookInstalled = () => existsSync(WEBHOOK_BIN);

/** hooks.json.sample with its install paths replaced by this checkout's executable and a working directory. */
export function hooksFromSample(workingDirectory: string, path: string): string {
  const text = readFileSync(join(ROOT, 'hooks.json.sample'), 'utf8')
    .split('/opt/mattermost-incident/bin/mattermost-incident')
    .join(join(ROOT, 'bin', 'mattermost-incident'))
    .split('"/var/lib/mattermost-incident"')
    .join(JSON.stringify(workingDirectory));
  writeFileSync(path, text);
  return path;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  log(): string;
  stop(): Promise<void>;
}

/** Starts `webhook -verbose -ip 127.0.0.1 -port <free> -hooks <file>` and waits for its `serving hooks on` line. */
export async function startDaemon(hooksFile: string, env: Record<string, string> = {}, port?: number): Promise<Daemon> {
  const chosen = port ?? (await freePort());
  const child = spawn(WEBHOOK_BIN, ['-verbose', '-ip', '127.0.0.1', '-port', String(chosen), '-hooks', hooksFile], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid!, 'SIGTERM');
    const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`webhook did not start: ${log}`)), 10_000);
      const onData = () => {
        if (log.includes('serving hooks on')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`webhook exited with ${code}: ${log}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: chosen, url: `http://127.0.0.1:${chosen}`, process: child, log: () => log, stop };
}

/** POSTs a body the way PagerDuty (and the README's curl line) does. */
export async function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}

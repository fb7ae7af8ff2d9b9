/** A real Redis (Debian's redis-server) on a loopback port for the tests, without persistence; stopped by PID. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './webhook-daemon';

export const REDIS_SERVER = '/usr/bin/redis-server';
export const redisInstalled = () => existsSync(REDIS_SERVER);

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: there is no persistence). */
  restart(): Promise<void>;
}

async function launch(port: number, password?: string, sentinelOf?: { port: number; dir: string }): Promise<ChildProcess> {
  let args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', ...(password ? ['--requirepass', password] : [])];
  if (sentinelOf) {
    // A Sentinel rewrites its config file, so it gets one of its own.
    const conf = join(sentinelOf.dir, `sentinel-${port}.conf`);
    writeFileSync(conf, `port ${port}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 ${sentinelOf.port} 1\n`);
    args = [conf, '--sentinel'];
  }
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${log}`)), 10_000);
    const check = () => {
      if (log.includes('Ready to accept connections') || log.includes('+monitor master')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${log}`));
    });
  });
  return child;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid!, 'SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
}

export async function startRedis(options: { password?: string } = {}): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port, options.password);
  const server: RedisServer = {
    port,
    url: `redis://${options.password ? `:${encodeURIComponent(options.password)}@` : ''}127.0.0.1:${port}/0`,
    get process() {
      return child;
    },
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      child = await launch(port, options.password);
    },
  };
  return server;
}

/** A Sentinel watching `master` as "mymaster"; its config file goes in `dir`. */
export async function startSentinel(master: RedisServer, dir: string): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = await launch(port, undefined, { port: master.port, dir });
  return { url: `redis+sentinel://127.0.0.1:${port}/mymaster/0`, stop: () => stopChild(child) };
}

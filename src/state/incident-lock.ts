import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TimeoutError } from '../errors';
import type { Clock, Deadline, Sleep } from '../deadline';

/** A lock older than this is taken over even if its process seems alive (a hung run, a reused pid). */
const STALE_AFTER_MS = 60_000;
const POLL_MS = 15;

export interface LockOptions {
  readonly stateDir: string;
  readonly deadline: Deadline;
  readonly sleep: Sleep;
  readonly now: Clock;
  /** Whether a process id is running; injected so tests can stage a dead holder. */
  readonly alive?: (pid: number) => boolean;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Serialises the runs that touch one incident on this host: deliveries run in parallel with no order, and two
 * of them for one incident must not both decide from the same channel state. The lock is a file created
 * exclusively under `<state_dir>/locks`; one left by a dead process or older than a minute is taken over.
 */
export async function withIncidentLock<T>(incidentId: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const dir = join(options.stateDir, 'locks');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${incidentId.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`);
  const alive = options.alive ?? processAlive;
  for (;;) {
    try {
      writeFileSync(path, JSON.stringify({ pid: process.pid, at: options.now() }), { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (isStale(path, alive, options.now())) {
      rmSync(path, { force: true });
      continue;
    }
    if (options.deadline.remainingMs() <= POLL_MS) throw new TimeoutError(`incident ${incidentId} is being handled by another delivery (lock ${path}) and did not come free in time`);
    await options.sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}

function isStale(path: string, alive: (pid: number) => boolean, now: number): boolean {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as { pid?: number; at?: number };
    if (typeof holder.pid !== 'number' || !alive(holder.pid)) return true;
    return now - (holder.at ?? statSync(path).mtimeMs) > STALE_AFTER_MS;
  } catch {
    // Being written right now, or already gone: not stale, look again.
    return false;
  }
}

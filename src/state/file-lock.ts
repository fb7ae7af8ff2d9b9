import { readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Deadline, Sleep } from '../deadline';
import { TimeoutError } from '../errors';
import { keyHash, uniqueToken } from './key-hash';
import { createExclusive, ensurePrivateDir, readPrivateFile, removeIfThere } from './private-files';

/** How often a waiting run looks again. */
const POLL_MS = 15;

export interface FileLockOptions {
  readonly dir: string;
  readonly sleep: Sleep;
  readonly now: Clock;
  /** A lock older than this is taken over even if its holder seems alive (a hung run): above any run's deadline. */
  readonly staleAfterMs: number;
  /** Whether the holder still runs; injected so tests can stage a dead one. */
  readonly alive?: (holder: Holder) => boolean;
}

export interface Holder {
  readonly token: string;
  readonly pid: number;
  /** The holder's start time (Linux: /proc/<pid>/stat), so a reused pid is not taken for the holder. */
  readonly started?: string;
  readonly at: number;
}

/**
 * A lock per key, as a generation of files in `<dir>/<key hash>/`: `<n>.lock` is held, `<n>.free` released.
 * Taking over the newest generation (free, or stale: its holder gone) means first claiming it, by renaming it to a
 * name of one's own, which exactly one process can do; the claimer then creates the next generation's file (by
 * link(): whole or not at all). So a waiter acting on an old view of the directory finds nothing to claim and
 * looks again, and two waiters can never both win. An empty directory is taken by creating `1.lock`, kept only if
 * no later generation exists. Only the holder releases its generation; the next winner clears the ones below.
 */
export async function withFileLock<T>(key: string, what: string, deadline: Deadline, options: FileLockOptions, work: () => Promise<T>): Promise<T> {
  ensurePrivateDir(options.dir);
  const dir = join(options.dir, keyHash(key));
  ensurePrivateDir(dir);
  const alive = options.alive ?? processAlive;
  const me: Holder = { token: uniqueToken(), pid: process.pid, started: startTime(process.pid), at: options.now() };
  const holderText = () => JSON.stringify({ ...me, at: options.now() });
  let generation: number | undefined;
  while (generation === undefined) {
    const newest = newestGeneration(dir);
    if (!newest) {
      generation = takeFirst(dir, holderText());
      continue;
    }
    if (newest.free || isStale(join(dir, newest.name), alive, options)) {
      generation = takeOver(dir, newest, me.token, holderText());
      continue;
    }
    if (deadline.remainingMs() <= POLL_MS) throw new TimeoutError(`${what} is being handled by another delivery (lock ${dir}) and did not come free in time`);
    await options.sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    release(dir, generation, me.token);
  }
}

/** The first generation of an empty directory; undefined when another was quicker, or the view was old. */
function takeFirst(dir: string, holder: string): number | undefined {
  if (!createExclusive(join(dir, '1.lock'), holder)) return undefined;
  // Any other generation, free or being claimed, means the directory was not empty any more: this file is no one's
  // lock (the generation that exists, or the one its claimer is making, is).
  if (readdirSync(dir).some((name) => name !== '1.lock' && /^\d+\.(lock|free|claimed-)/.test(name))) {
    removeIfThere(join(dir, '1.lock'));
    return undefined;
  }
  return 1;
}

/** Claims the newest generation and starts the next one; undefined when another process claimed it first. */
function takeOver(dir: string, newest: Entry, token: string, holder: string): number | undefined {
  const claimed = join(dir, `${newest.n}.claimed-${token}`);
  try {
    renameSync(join(dir, newest.name), claimed);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const next = newest.n + 1;
  const created = createExclusive(join(dir, `${next}.lock`), holder);
  removeIfThere(claimed);
  if (!created) return undefined;
  for (const name of readdirSync(dir)) {
    const n = Number(/^(\d+)\./.exec(name)?.[1]);
    if (n < next) removeIfThere(join(dir, name));
  }
  return next;
}

function release(dir: string, generation: number, token: string): void {
  const path = join(dir, `${generation}.lock`);
  const holder = readHolder(path);
  // Only the holder frees its generation; if it is gone, someone took it over as stale and owns what follows.
  if (holder?.token === token) renameSync(path, join(dir, `${generation}.free`));
}

interface Entry {
  readonly n: number;
  readonly name: string;
  readonly free: boolean;
}

function generations(dir: string): Entry[] {
  return readdirSync(dir)
    .map((name) => /^(\d+)\.(lock|free)$/.exec(name))
    .filter((m) => m !== null)
    .map((m) => ({ n: Number(m[1]), name: m[0], free: m[2] === 'free' }));
}

function newestGeneration(dir: string): Entry | undefined {
  return generations(dir).sort((a, b) => b.n - a.n || Number(a.free) - Number(b.free))[0];
}

function readHolder(path: string): Holder | undefined {
  try {
    const holder = JSON.parse(readPrivateFile(path, 4096)?.toString('utf8') ?? 'null') as Partial<Holder> | null;
    return holder && typeof holder.token === 'string' && typeof holder.pid === 'number' && typeof holder.at === 'number' ? (holder as Holder) : undefined;
  } catch {
    return undefined;
  }
}

/** Stale: unreadable (no run of this tool writes such a file), its holder gone, or older than any run may take. */
function isStale(path: string, alive: (holder: Holder) => boolean, options: FileLockOptions): boolean {
  const holder = readHolder(path);
  if (!holder) {
    try {
      statSync(path);
    } catch {
      // Gone since it was listed: look again.
      return false;
    }
    return true;
  }
  return !alive(holder) || options.now() - holder.at > options.staleAfterMs;
}

function processAlive(holder: Holder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const started = startTime(holder.pid);
  return holder.started === undefined || started === undefined || started === holder.started;
}

/** Field 22 of /proc/<pid>/stat, after the command name (which may hold spaces and parentheses). */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

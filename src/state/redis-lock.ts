import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Deadline, Sleep } from '../deadline';
import { TimeoutError } from '../errors';

/** How often a waiting run asks again. */
const POLL_MS = 20;

/** Extends the expiry only while the lock is still this holder's. */
const EXTEND = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
/** Deletes the lock only if it is still this holder's: an expired lock taken by another is never freed by us. */
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

export interface RedisLockOptions {
  readonly sleep: Sleep;
  /** The lock's expiry: a holder that dies (SIGKILL, a lost host) frees it after this long. */
  readonly ttlMs: number;
  /** Turns a failed Redis call into the error the run ends with. */
  readonly failure: (error: unknown) => Error;
}

/**
 * A lock shared by every host on one Redis: a random token per holder, set only when absent with an expiry,
 * extended while the holder's work runs, and released only by its holder (compare-and-delete in one script).
 */
export async function withRedisLock<T>(redis: Redis, key: string, what: string, deadline: Deadline, options: RedisLockOptions, work: () => Promise<T>): Promise<T> {
  const token = randomBytes(16).toString('hex');
  for (;;) {
    let taken: string | null;
    try {
      taken = await redis.set(key, token, 'PX', options.ttlMs, 'NX');
    } catch (error) {
      throw options.failure(error);
    }
    if (taken === 'OK') break;
    if (deadline.remainingMs() <= POLL_MS) throw new TimeoutError(`${what} is being handled by another delivery (a lock in Redis) and did not come free in time`);
    await options.sleep(POLL_MS);
  }
  // Extended well before it would expire, so a long run (a resolve with a large transcript) keeps it.
  const timer = setInterval(() => void redis.eval(EXTEND, 1, key, token, String(options.ttlMs)).catch(() => undefined), Math.max(50, Math.floor(options.ttlMs / 3)));
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
  }
}

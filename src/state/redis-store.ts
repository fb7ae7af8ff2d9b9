/**
 * The state on Redis, shared by every host that serves one endpoint: the per-incident lock, the dead letters and
 * the caches. Keys are namespaced per Mattermost URL and team, so one Redis can serve several setups.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadProgram } from '../code-cache';
import type { Redis } from 'ioredis';
import type { Config } from '../config/config';
import { redisTarget } from '../config/redis-url';
import type { Clock, Sleep } from '../deadline';
import { StoreUnavailable } from '../errors';
import { withRedisLock } from './redis-lock';
import { type Cache, type DeadLetter, type DeadLetterStore, LetterRejected, type StateStore } from './state-store';

const MAX_DEAD_LETTERS = 1000;
const MAX_DEAD_LETTER_BYTES = 64 * 1024 * 1024;
const CONNECT_TIMEOUT_MS = 2000;

export interface RedisStoreOptions {
  readonly config: Config;
  readonly now: Clock;
  readonly sleep: Sleep;
}

/** Connects, or fails at once with a StoreUnavailable (exit 75: the sender retries; nothing was written). */
export async function redisStateStore(options: RedisStoreOptions): Promise<StateStore> {
  const { config } = options;
  const redisConfig = config.redis!;
  // The client reports the cause of a lost connection as an event; the failed call says only "closed".
  let lastError: unknown;
  const unavailable = (error: unknown) =>
    error instanceof StoreUnavailable ? error : new StoreUnavailable(`Redis not reachable at ${redisConfig.shown} (${reason(lastError ?? error)}): nothing was done without its lock; the sender will retry`, { cause: error });
  const { Redis: RedisClient } = redisLibrary();
  const target = redisTarget(redisConfig);
  // A short-lived process: fail fast rather than queue and reconnect in a loop.
  const common = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null };
  const redis: Redis =
    target.kind === 'server'
      ? new RedisClient(target.url, common)
      : new RedisClient({ ...common, sentinels: [...target.sentinels], name: target.name, db: target.db, password: target.password, sentinelPassword: target.password, ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true } : {}) });
  redis.on('error', (error) => void (lastError = error));
  try {
    await redis.connect();
  } catch (error) {
    redis.disconnect();
    throw unavailable(error);
  }
  const ns = `mattermost-incident:${createHash('sha256').update(`${config.mattermost.url}\n${config.teamName}`).digest('hex').slice(0, 16)}:`;
  const hashed = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 40);
  // Past any run's deadline a holder is gone or hung; it is extended while it works.
  const ttlMs = Math.min(30_000, Math.max(5_000, config.deadlineMs + 2_000));
  return {
    withLock: (key, what, deadline, work) => withRedisLock(redis, `${ns}lock:${hashed(key)}`, what, deadline, { sleep: options.sleep, ttlMs, failure: unavailable }, work),
    deadLetters: redisDeadLetters(redis, ns, unavailable),
    cache: redisCache(redis, `${ns}cache:`, hashed),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * The Redis client library: in the build a file of its own beside the program, loaded with its code cache (it is
 * large, and only setups with Redis need it); run from the sources, required as it is.
 */
function redisLibrary(): typeof import('./redis-client') {
  const built = join(__dirname, 'redis-client.js');
  if (!existsSync(built)) return require('./redis-client') as typeof import('./redis-client');
  return loadProgram<typeof import('./redis-client')>(__dirname, require, undefined, 'redis-client').exports;
}

function reason(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host does not resolve';
  if (/NOAUTH|WRONGPASS|invalid password/i.test((error as Error).message)) return 'the password was refused';
  return (error as Error).message.split('\n')[0].slice(0, 120);
}

/** A cache miss or a failed write only costs a lookup: the lock is what must not fail silently. */
function redisCache(redis: Redis, prefix: string, hashed: (key: string) => string): Cache {
  return {
    get: async (key) => (await redis.get(prefix + hashed(key)).catch(() => null)) ?? undefined,
    set: async (key, value, ttlMs) => {
      await (ttlMs ? redis.set(prefix + hashed(key), value, 'PX', ttlMs) : redis.set(prefix + hashed(key), value)).catch(() => undefined);
    },
    delete: async (key) => {
      await redis.del(prefix + hashed(key)).catch(() => undefined);
    },
  };
}

/**
 * Dead letters every host can list and replay: each a string key, indexed by receipt time in a sorted set, with
 * their total size counted. Set-aside letters go to a hash of their own.
 */
function redisDeadLetters(redis: Redis, ns: string, unavailable: (error: unknown) => Error): DeadLetterStore {
  const index = `${ns}dead-letters`;
  const bytes = `${ns}dead-letters:bytes`;
  const rejected = `${ns}dead-letters:rejected`;
  const letterKey = (id: string) => `${ns}dead-letter:${id}`;
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw error instanceof LetterRejected ? error : unavailable(error);
    }
  };
  const drop = (id: string, size: number) => redis.multi().del(letterKey(id)).zrem(index, id).decrby(bytes, size).exec();
  return {
    write: (letter) =>
      call(async () => {
        const id = `${letter.received_at.replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}`;
        const text = JSON.stringify(letter);
        await redis.multi().set(letterKey(id), text).zadd(index, Date.parse(letter.received_at) || Date.now(), id).incrby(bytes, Buffer.byteLength(text)).exec();
        let dropped: string | undefined;
        // The oldest go first when there are too many, or too much.
        for (;;) {
          const [count, total] = await Promise.all([redis.zcard(index), redis.get(bytes)]);
          if (count <= 1 || (count <= MAX_DEAD_LETTERS && Number(total) <= MAX_DEAD_LETTER_BYTES)) break;
          const [oldest] = await redis.zrange(index, 0, 0);
          const size = Buffer.byteLength((await redis.get(letterKey(oldest))) ?? '');
          await drop(oldest, size);
          dropped ??= oldest;
        }
        return { id, dropped };
      }),
    list: () => call(() => redis.zrange(index, 0, -1)),
    read: (id) =>
      call(async () => {
        const text = await redis.get(letterKey(id));
        if (text === null) throw new LetterRejected('it is gone');
        let letter: DeadLetter;
        try {
          letter = JSON.parse(text);
        } catch {
          throw new LetterRejected('it is not valid JSON');
        }
        if (!letter || typeof letter !== 'object' || typeof letter.body !== 'string' || typeof letter.received_at !== 'string') throw new LetterRejected('it is not a dead letter');
        return { ...letter, source: letter.source ?? 'pagerduty', headers: letter.headers ?? {} };
      }),
    remove: (id) =>
      call(async () => {
        const size = Buffer.byteLength((await redis.get(letterKey(id))) ?? '');
        await drop(id, size);
      }),
    setAside: (id, why) =>
      call(async () => {
        const text = (await redis.get(letterKey(id))) ?? '';
        await redis.hset(rejected, id, JSON.stringify({ reason: why, letter: text }));
        await drop(id, Buffer.byteLength(text));
      }),
  };
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { lstatSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock, Sleep } from '../deadline';
import { withFileLock } from './file-lock';
import { keyHash } from './key-hash';
import { createExclusive, ensurePrivateDir, readPrivateFile, removeIfThere, writePrivateFile } from './private-files';
import { type Cache, type DeadLetter, type DeadLetterStore, LetterRejected, type StateStore } from './state-store';

/** Bounds on what dead letters may take: a flood of failures must not fill the disk. */
export const MAX_DEAD_LETTERS = 1000;
export const MAX_DEAD_LETTER_BYTES = 64 * 1024 * 1024;
const MAX_LETTER_FILE_BYTES = 4 * 1024 * 1024;

export interface FileStoreOptions {
  readonly stateDir: string;
  readonly sleep: Sleep;
  readonly now: Clock;
  readonly staleLockAfterMs: number;
}

/** The state of one host, as files under `state_dir`. */
export function fileStateStore(options: FileStoreOptions): StateStore {
  ensurePrivateDir(options.stateDir);
  return {
    withLock: (key, what, deadline, work) => withFileLock(key, what, deadline, { dir: join(options.stateDir, 'locks'), sleep: options.sleep, now: options.now, staleAfterMs: options.staleLockAfterMs }, work),
    deadLetters: fileDeadLetters(options.stateDir),
    cache: fileCache(join(options.stateDir, 'cache'), options.now),
    close: async () => undefined,
  };
}

/**
 * Dead letters as files, one per delivery, named so they sort by time of receipt. Each carries an integrity tag:
 * an HMAC under a key only this user can read, so a letter another user planted is set aside, never applied.
 */
export function fileDeadLetters(stateDir: string): DeadLetterStore {
  const dir = join(stateDir, 'dead-letter');
  const rejected = join(dir, 'rejected');
  const key = () => letterKey(stateDir);
  const names = () => {
    try {
      return readdirSync(dir).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  };
  return {
    async write(letter) {
      ensurePrivateDir(dir);
      const name = `${letter.received_at.replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.json`;
      const text = `${JSON.stringify({ ...letter, tag: tagOf(key(), letter) }, null, 2)}\n`;
      writePrivateFile(join(dir, name), text);
      return { id: name, dropped: makeRoom(dir, names()) };
    },
    list: async () => names(),
    async read(id) {
      const raw = readPrivateFile(join(dir, id), MAX_LETTER_FILE_BYTES);
      if (!raw) throw new LetterRejected('it is gone');
      let parsed: (DeadLetter & { tag?: unknown }) | undefined;
      try {
        parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new LetterRejected('it is not valid JSON');
      }
      if (!parsed || typeof parsed !== 'object' || typeof parsed.body !== 'string' || typeof parsed.received_at !== 'string') throw new LetterRejected('it is not a dead letter');
      const { tag, ...letter } = parsed;
      const expected = Buffer.from(tagOf(key(), letter as DeadLetter), 'hex');
      const given = typeof tag === 'string' && /^[0-9a-f]{64}$/.test(tag) ? Buffer.from(tag, 'hex') : Buffer.alloc(0);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new LetterRejected('its integrity tag does not match: this tool did not write it as it is');
      return { ...(letter as DeadLetter), source: (letter as DeadLetter).source ?? 'pagerduty', headers: (letter as DeadLetter).headers ?? {} };
    },
    remove: async (id) => removeIfThere(join(dir, id)),
    async setAside(id) {
      ensurePrivateDir(rejected);
      renameSync(join(dir, id), join(rejected, id));
    },
  };
}

/** Drops the oldest letters past the bounds; returns the first one dropped, for the report. */
function makeRoom(dir: string, names: string[]): string | undefined {
  let dropped: string | undefined;
  let total = 0;
  const sizes = names.map((name) => {
    let size = 0;
    try {
      size = lstatSync(join(dir, name)).size;
    } catch {
      // Gone meanwhile (a replay on another process): nothing to count.
    }
    total += size;
    return size;
  });
  for (let i = 0; i < names.length - 1 && (names.length - i > MAX_DEAD_LETTERS || total > MAX_DEAD_LETTER_BYTES); i++) {
    removeIfThere(join(dir, names[i]));
    total -= sizes[i];
    dropped ??= names[i];
  }
  return dropped;
}

function tagOf(key: Buffer, letter: DeadLetter): string {
  const { received_at, reason, source, headers, target, webhook_id, body } = letter;
  return createHmac('sha256', key).update(JSON.stringify([received_at, reason, source ?? null, headers ?? null, target ?? null, webhook_id ?? null, body])).digest('hex');
}

/** The key of the integrity tags, made on first use; only this user can read it. */
function letterKey(stateDir: string): Buffer {
  const dir = join(stateDir, 'keys');
  ensurePrivateDir(dir);
  const path = join(dir, 'dead-letters.key');
  const existing = readPrivateFile(path, 1024);
  if (existing && existing.length >= 32) return existing;
  createExclusive(path, randomBytes(32));
  return readPrivateFile(path, 1024)!;
}

/** Small values as files, one per key, with an expiry; a file that cannot be read is a miss. */
export function fileCache(dir: string, now: Clock): Cache {
  const pathOf = (key: string) => join(dir, `${keyHash(key)}.json`);
  return {
    async get(key) {
      try {
        const entry = JSON.parse(readPrivateFile(pathOf(key), 64 * 1024)?.toString('utf8') ?? 'null') as { key?: unknown; value?: unknown; expires_at?: unknown } | null;
        if (!entry || entry.key !== key || typeof entry.value !== 'string') return undefined;
        if (typeof entry.expires_at === 'number' && entry.expires_at <= now()) return undefined;
        return entry.value;
      } catch {
        return undefined;
      }
    },
    async set(key, value, ttlMs) {
      try {
        ensurePrivateDir(dir);
        writePrivateFile(pathOf(key), JSON.stringify({ key, value, ...(ttlMs ? { expires_at: now() + ttlMs } : {}) }));
      } catch {
        // Only an optimisation: without it, the next run looks the value up again.
      }
    },
    async delete(key) {
      removeIfThere(pathOf(key));
    },
  };
}


import type { Deadline } from '../deadline';

/**
 * What the tool keeps outside Mattermost: the per-incident lock, the dead letters and small caches. Files under
 * `state_dir` serve one host; the same interface on Redis lets several hosts share them.
 */
export interface StateStore {
  /**
   * Runs `work` holding the lock named `key`, waiting for it within the deadline (a TimeoutError naming `what`
   * when it does not come free).
   */
  withLock<T>(key: string, what: string, deadline: Deadline, work: () => Promise<T>): Promise<T>;
  readonly deadLetters: DeadLetterStore;
  readonly cache: Cache;
  close(): Promise<void>;
}

/** A delivery that could not be applied, kept to be applied later by `replay`. Never holds the Mattermost token. */
export interface DeadLetter {
  readonly received_at: string;
  readonly reason: string;
  /** Which source's hook it came to. */
  readonly source: string;
  /** The headers the hook passed (signatures, credentials are left out), to verify it again on replay. */
  readonly headers: Readonly<Record<string, string>>;
  /** Where it was to be applied: replay leaves alone letters meant for another Mattermost or team. */
  readonly target?: { readonly url: string; readonly team: string };
  /** The sender's delivery id (PagerDuty's X-Webhook-Id), to match it with the sender's delivery log. */
  readonly webhook_id?: string;
  /** The raw body as received (it was valid UTF-8 JSON). */
  readonly body: string;
}

export interface DeadLetterStore {
  /** Keeps a letter; when the store is full the oldest is dropped, and named here so it can be reported. */
  write(letter: DeadLetter): Promise<{ id: string; dropped?: string }>;
  /** Ids, oldest first. */
  list(): Promise<string[]>;
  /** The letter, verified to be one this tool wrote; a LetterRejected otherwise. */
  read(id: string): Promise<DeadLetter>;
  remove(id: string): Promise<void>;
  /** Moves a letter that must not be applied out of the way, keeping it for a human to look at. */
  setAside(id: string, reason: string): Promise<void>;
}

/** A dead letter that cannot be trusted or read: set aside, never applied. */
export class LetterRejected extends Error {}

export interface Cache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
}

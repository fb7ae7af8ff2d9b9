import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An event that could not be applied, kept to be replayed. Never holds the Mattermost token. */
export interface DeadLetter {
  readonly received_at: string;
  readonly reason: string;
  readonly signature?: string;
  /** Where it was to be applied: replay leaves alone letters meant for another Mattermost or team. */
  readonly target?: { readonly url: string; readonly team: string };
  /** PagerDuty's X-Webhook-Id of the delivery, to match it with PagerDuty's delivery log. */
  readonly webhook_id?: string;
  /** The raw body as received (it was valid UTF-8 JSON). */
  readonly body: string;
}

export function deadLetterDir(stateDir: string): string {
  return join(stateDir, 'dead-letter');
}

/** Writes atomically (temporary file, then rename), so `replay` never reads half a letter. */
export function writeDeadLetter(stateDir: string, letter: DeadLetter): string {
  const dir = deadLetterDir(stateDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // The name sorts by time of receipt, which is the order replay applies them in.
  const name = `${letter.received_at.replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.json`;
  const tmp = join(dir, `.${name}.tmp`);
  writeFileSync(tmp, `${JSON.stringify(letter, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, join(dir, name));
  return join(dir, name);
}

export function listDeadLetters(stateDir: string): string[] {
  try {
    return readdirSync(deadLetterDir(stateDir))
      .filter((name) => name.endsWith('.json') && !name.startsWith('.'))
      .sort()
      .map((name) => join(deadLetterDir(stateDir), name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export function readDeadLetter(path: string): DeadLetter {
  return JSON.parse(readFileSync(path, 'utf8')) as DeadLetter;
}

export function removeDeadLetter(path: string): void {
  rmSync(path, { force: true });
}

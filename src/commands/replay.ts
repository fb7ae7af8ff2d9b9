import type { Config } from '../config/config';
import { type Clock, type Sleep, deadlineIn, realSleep } from '../deadline';
import { isTemporary } from '../errors';
import type { Logger } from '../log';
import type { SourceId } from '../sources/source';
import { openStateStore } from '../state/open-store';
import { type DeadLetter, LetterRejected, type StateStore } from '../state/state-store';
import { deliver } from './deliver';

export interface ReplayOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly out: (line: string) => void;
  /** Apply letters kept for another Mattermost URL or team to the configured ones (the config was fixed since). */
  readonly retarget?: boolean;
  readonly store?: StateStore;
  readonly now?: Clock;
  readonly sleep?: Sleep;
}

export interface ReplayResult {
  readonly applied: number;
  readonly left: number;
  /** The error that stopped or failed a letter, if any: decides the exit code. */
  readonly error?: unknown;
}

/**
 * Re-applies the dead letters oldest first and removes each one that succeeds. A temporary failure stops the
 * replay (Mattermost is still away; order matters); a permanent one leaves that letter and goes on. A letter this
 * tool did not write as it is (another user's, a damaged file) is set aside, never applied.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const { config, log, out } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const store = options.store ?? (await openStateStore(config, { now, sleep }));
  try {
    const letters: { id: string; letter: DeadLetter }[] = [];
    let setAside = 0;
    for (const id of await store.deadLetters.list()) {
      try {
        letters.push({ id, letter: await store.deadLetters.read(id) });
      } catch (error) {
        if (!(error instanceof LetterRejected)) throw error;
        await store.deadLetters.setAside(id, error.message);
        setAside++;
        out(`set aside dead letter ${id}: ${error.message}; it is kept in dead-letter/rejected/ for a human to look at`);
      }
    }
    // A state directory can be shared by configs for several servers or teams; each replays its own letters,
    // unless told that the others were meant for this one (the URL or team was wrong when they were written).
    const mine = (target: DeadLetter['target']) => !target || (target.url === config.mattermost.url && target.team === config.teamName);
    const todo = options.retarget ? letters : letters.filter(({ letter }) => mine(letter.target));
    reportSkipped(letters.filter(({ letter }) => !options.retarget && !mine(letter.target)), config, out);

    let applied = 0;
    let failure: unknown;
    for (const [index, { id, letter }] of todo.entries()) {
      try {
        // Two replays at once (two hosts, a cron run and a person) apply each letter once: whoever holds its lock.
        const done = await store.withLock(`dead-letter\n${id}`, `dead letter ${id}`, deadlineIn(config.deadlineMs, now), async () => {
          if (!(await store.deadLetters.list()).includes(id)) return false;
          const request = { body: Buffer.from(letter.body, 'utf8'), headers: letter.headers };
          await deliver({ source: letter.source as SourceId, request, config, log, out, replay: true, store, now, sleep });
          await store.deadLetters.remove(id);
          return true;
        });
        if (done) applied++;
      } catch (error) {
        failure = error;
        log.warn(`${id}: not applied: ${(error as Error).message}`);
        if (isTemporary(error)) {
          out(`replay stopped: Mattermost is not reachable yet; ${todo.length - index} dead letter(s) left`);
          return { applied, left: todo.length - index, error };
        }
      }
    }
    const left = todo.length - applied;
    out(`replayed ${applied} dead letter(s), ${left} left${setAside > 0 ? `, ${setAside} set aside` : ''}`);
    return { applied, left, error: failure };
  } finally {
    if (!options.store) await store.close();
  }
}

function reportSkipped(skipped: readonly { letter: DeadLetter }[], config: Config, out: (line: string) => void): void {
  if (skipped.length === 0) return;
  const others = new Map<string, number>();
  for (const { letter } of skipped) {
    const target = `${letter.target!.url} team ${letter.target!.team}`;
    others.set(target, (others.get(target) ?? 0) + 1);
  }
  const where = [...others.entries()].map(([target, n]) => `${n} for ${target}`).join(', ');
  out(`skipped ${skipped.length} dead letter(s) kept for another Mattermost or team (${where}); to apply them to ${config.mattermost.url} team ${config.teamName}, run: mattermost-incident replay --retarget`);
}

import type { Config } from '../config/config';
import { isTemporary } from '../errors';
import { type DeadLetter, listDeadLetters, readDeadLetter, removeDeadLetter } from '../state/dead-letters';
import type { Logger } from '../log';
import { deliver } from './deliver';

export interface ReplayOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly out: (line: string) => void;
  /** Apply letters kept for another Mattermost URL or team to the configured ones (the config was fixed since). */
  readonly retarget?: boolean;
}

export interface ReplayResult {
  readonly applied: number;
  readonly left: number;
  /** The error that stopped or failed a letter, if any: decides the exit code. */
  readonly error?: unknown;
}

/**
 * Re-applies the dead letters oldest first and removes each one that succeeds. A temporary failure stops the
 * replay (Mattermost is still away; order matters); a permanent one leaves that letter and goes on.
 */
export async function replay(options: ReplayOptions): Promise<ReplayResult> {
  const { config, log, out } = options;
  // A state directory can be shared by configs for several servers or teams; each replays its own letters,
  // unless told that the others were meant for this one (the URL or team was wrong when they were written).
  const all = listDeadLetters(config.stateDir).map((path) => ({ path, letter: readDeadLetter(path) }));
  const mine = (target: DeadLetter['target']) => !target || (target.url === config.mattermost.url && target.team === config.teamName);
  const letters = options.retarget ? all : all.filter(({ letter }) => mine(letter.target));
  const others = new Map<string, number>();
  for (const { letter } of all) if (!options.retarget && !mine(letter.target)) others.set(`${letter.target!.url} team ${letter.target!.team}`, (others.get(`${letter.target!.url} team ${letter.target!.team}`) ?? 0) + 1);
  const skipped = [...others.values()].reduce((a, b) => a + b, 0);
  if (skipped > 0) {
    const where = [...others.entries()].map(([target, n]) => `${n} for ${target}`).join(', ');
    out(`skipped ${skipped} dead letter(s) kept for another Mattermost or team (${where}); to apply them to ${config.mattermost.url} team ${config.teamName}, run: mattermost-incident replay --retarget`);
  }
  let applied = 0;
  let failure: unknown;
  for (const [index, { path, letter }] of letters.entries()) {
    try {
      const request = { body: Buffer.from(letter.body, 'utf8'), headers: { 'x-pagerduty-signature': letter.signature } };
      await deliver({ source: 'pagerduty', request, config, log, out, replay: true });
      removeDeadLetter(path);
      applied++;
    } catch (error) {
      failure = error;
      log.warn(`${path}: not applied: ${(error as Error).message}`);
      if (isTemporary(error)) {
        out(`replay stopped: Mattermost is not reachable yet; ${letters.length - index} dead letter(s) left`);
        return { applied, left: letters.length - index, error };
      }
    }
  }
  const left = letters.length - applied;
  out(`replayed ${applied} dead letter(s), ${left} left`);
  return { applied, left, error: failure };
}

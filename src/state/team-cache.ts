import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Remembers the team's id between runs, so a trigger can create its channel in its first round trip. Ids
 * never change; a stale entry (team deleted and made again) is noticed when Mattermost refuses it, and dropped.
 */
export interface TeamCache {
  get(): string | undefined;
  set(id: string): void;
  clear(): void;
}

export function fileTeamCache(stateDir: string, serverUrl: string, teamName: string): TeamCache {
  const key = createHash('sha256').update(`${serverUrl}\n${teamName}`).digest('hex').slice(0, 16);
  const dir = join(stateDir, 'cache');
  const path = join(dir, `team-${key}.json`);
  return {
    get() {
      try {
        const id = (JSON.parse(readFileSync(path, 'utf8')) as { id?: unknown }).id;
        return typeof id === 'string' && id !== '' ? id : undefined;
      } catch {
        return undefined;
      }
    },
    set(id) {
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${path}.${process.pid}.tmp`;
        writeFileSync(tmp, JSON.stringify({ id, team: teamName }));
        renameSync(tmp, path);
      } catch {
        // Only an optimisation: without it, the next run looks the team up again.
      }
    },
    clear() {
      rmSync(path, { force: true });
    },
  };
}

export const noTeamCache: TeamCache = { get: () => undefined, set: () => undefined, clear: () => undefined };

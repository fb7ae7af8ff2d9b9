/** Locks as the tool keeps them under state_dir (state/file-lock.ts), to stage a holder in tests. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { keyHash } from '../../src/state/key-hash';
import type { World } from './world';

/** The lock of an incident of the world's config: `<state_dir>/locks/<sha256(key)[:32]>/`. */
export function incidentLockDir(world: World, incidentId: string): string {
  const key = `incident\n${String(world.config.mattermost_api.url).replace(/\/+$/, '')}\n${world.config.notification_settings.team_name}\n${incidentId}`;
  return join(world.dir, 'state', 'locks', keyHash(key));
}

/** Writes generation 1 of the lock as held by `pid` (no start time: only whether the pid runs counts). */
export function holdLock(world: World, incidentId: string, pid: number, at = Date.now()): string {
  const dir = incidentLockDir(world, incidentId);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, '1.lock');
  writeFileSync(path, JSON.stringify({ token: 'test-holder', pid, at }), { mode: 0o600 });
  return path;
}

import type { Config } from '../config/config';
import type { Clock, Sleep } from '../deadline';
import { fileStateStore } from './file-store';
import type { StateStore } from './state-store';

/** The store the config names: Redis when `redis_url` is set (several hosts), else files under `state_dir`. */
export async function openStateStore(config: Config, deps: { now: Clock; sleep: Sleep }): Promise<StateStore> {
  if (config.redis) return (await import('./redis-store')).redisStateStore({ config, now: deps.now, sleep: deps.sleep });
  // Past any run's deadline a lock's holder is gone or hung: it may be taken over.
  const staleLockAfterMs = Math.max(60_000, 2 * config.deadlineMs + 10_000);
  return fileStateStore({ stateDir: config.stateDir, now: deps.now, sleep: deps.sleep, staleLockAfterMs });
}

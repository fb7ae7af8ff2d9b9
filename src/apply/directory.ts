import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import { noTeamCache } from '../state/team-cache';
import type { Runtime } from './runtime';

/**
 * The team and the users of one run. Each is looked up once: later asks get the answer already given (or the
 * request already on its way).
 */
export class Directory {
  private team?: Promise<Pick<Team, 'id'>>;
  private teamFromCache = false;
  private readonly users = new Map<string, Promise<UserProfile[]>>();

  constructor(private readonly rt: Runtime) {}

  getTeam(): Promise<Pick<Team, 'id'>> {
    const cache = this.rt.teamCache ?? noTeamCache;
    const cached = this.team ? undefined : cache.get();
    if (cached) {
      this.teamFromCache = true;
      this.team = Promise.resolve({ id: cached });
    }
    this.team ??= this.rt.client.getTeamByName(this.rt.config.teamName).then((team) => {
      cache.set(team.id);
      return team;
    });
    return this.team;
  }

  /** The team id came from the cache: a refusal may mean it is stale. */
  get teamIsRemembered(): boolean {
    return this.teamFromCache;
  }

  /** Forgets a remembered team id that Mattermost refused; the next ask looks the team up. */
  forgetTeam(): void {
    (this.rt.teamCache ?? noTeamCache).clear();
    this.team = undefined;
    this.teamFromCache = false;
  }

  /** Looks up usernames in one batched request; unknown names are warned about and left out. */
  lookupUsers(usernames: readonly string[]): Promise<UserProfile[]> {
    const unique = [...new Set(usernames.map((u) => u.toLowerCase()))].sort();
    if (unique.length === 0) return Promise.resolve([]);
    const key = unique.join(',');
    let lookup = this.users.get(key);
    if (!lookup) {
      lookup = this.rt.client.getUsersByUsernames(unique).then((found) => {
        const known = new Set(found.map((u) => u.username.toLowerCase()));
        for (const name of unique) if (!known.has(name)) this.rt.log.warn(`Mattermost user "${name}" does not exist; the others are still invited`);
        return found;
      });
      // A failed lookup must not be remembered as an answer.
      lookup.catch(() => this.users.delete(key));
      this.users.set(key, lookup);
    }
    return lookup;
  }
}

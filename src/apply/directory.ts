import { keyHash } from '../state/key-hash';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type { Runtime } from './runtime';

/** People looked up by username or e-mail in one run, at most: the rest of a huge payload is named, not invited. */
export const MAX_PEOPLE_PER_EVENT = 50;

/**
 * The team, the tool's own account and the users of one run. Each is looked up once: later asks get the answer
 * already given (or the request already on its way); the team's and the account's ids are remembered between
 * runs, since they never change.
 */
export class Directory {
  private team?: Promise<Pick<Team, 'id'>>;
  private teamFromCache = false;
  private self?: Promise<string>;
  private learned?: string;
  private readonly users = new Map<string, Promise<UserProfile[]>>();

  constructor(private readonly rt: Runtime) {}

  private get teamKey(): string {
    return `team\n${this.rt.config.mattermost.url}\n${this.rt.config.teamName}`;
  }

  /** The account the tool acts as, per URL and credential (never the credential itself). */
  private get selfKey(): string {
    const auth = this.rt.config.mattermost.auth;
    const who = keyHash(auth.kind === 'token' ? auth.token : `login:${auth.loginId}`).slice(0, 24);
    return `self\n${this.rt.config.mattermost.url}\n${who}`;
  }

  getTeam(): Promise<Pick<Team, 'id'>> {
    this.team ??= (async () => {
      const cached = await this.rt.cache.get(this.teamKey);
      if (cached) {
        this.teamFromCache = true;
        return { id: cached };
      }
      const team = await this.rt.client.getTeamByName(this.rt.config.teamName);
      await this.rt.cache.set(this.teamKey, team.id);
      return team;
    })();
    this.team.catch(() => (this.team = undefined));
    return this.team;
  }

  /** The team id came from the cache: a refusal may mean it is stale. */
  get teamIsRemembered(): boolean {
    return this.teamFromCache;
  }

  /** Forgets a remembered team id that Mattermost refused; the next ask looks the team up. */
  async forgetTeam(): Promise<void> {
    await this.rt.cache.delete(this.teamKey);
    this.team = undefined;
    this.teamFromCache = false;
  }

  /** The tool's own user id: only its posts carry records that count. */
  selfId(): Promise<string> {
    this.self ??= (async () => {
      const cached = await this.rt.cache.get(this.selfKey);
      if (cached) return cached;
      const me = await this.rt.client.getMe();
      await this.rt.cache.set(this.selfKey, me.id);
      return me.id;
    })();
    this.self.catch(() => (this.self = undefined));
    return this.self;
  }

  /** What a write's answer shows of the tool's own id (a channel's creator, a post's author), remembered. */
  learnSelf(id: string | undefined): void {
    if (!id || this.rt.dryRun || id.startsWith('dry-run') || this.learned === id) return;
    this.learned = id;
    if (!this.self) this.self = Promise.resolve(id);
    // Written only when it is new to this run's cache: most runs already know it.
    void this.rt.cache.get(this.selfKey).then((known) => (known === id ? undefined : this.rt.cache.set(this.selfKey, id)));
  }

  async trusted(): Promise<ReadonlySet<string>> {
    return new Set([await this.selfId()]);
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

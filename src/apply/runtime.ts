import type { MattermostClient } from '../clients/mattermost-client';
import type { PagerDutyClient } from '../clients/pagerduty-client';
import type { Config } from '../config/config';
import type { Clock } from '../deadline';
import type { Logger } from '../log';
import type { Cache } from '../state/state-store';

/** What one run of `apply` works with; everything with a side effect comes in here. */
export interface Runtime {
  readonly client: MattermostClient;
  /** Present when a PagerDuty API token is configured: maps people named by id to e-mail addresses. */
  readonly pagerduty?: PagerDutyClient;
  /** Remembers what never changes between runs (the team's id, the bot's own id). */
  readonly cache: Cache;
  readonly config: Config;
  readonly log: Logger;
  readonly now: Clock;
  /** Writes are only reported: every step reads the real state and says what a real run would do. */
  readonly dryRun?: boolean;
}

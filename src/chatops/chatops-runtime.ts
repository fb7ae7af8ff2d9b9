import type { AlertmanagerClient } from '../clients/alertmanager-client';
import type { JiraClient } from '../clients/jira-client';
import type { MattermostClient } from '../clients/mattermost-client';
import type { PagerDutyClient } from '../clients/pagerduty-client';
import type { Config } from '../config/config';
import type { Clock, Deadline } from '../deadline';
import type { Logger } from '../log';
import type { StateStore } from '../state/state-store';
import type { ActionSubject } from './action-token';

/** What one action from Mattermost works with; everything with a side effect comes in here. */
export interface ChatopsRuntime {
  readonly config: Config;
  /** The tool's own session with Mattermost. */
  readonly client: MattermostClient;
  /** Present with `pagerduty.api_token`. */
  readonly pagerduty?: PagerDutyClient;
  /** Present with `jira:`. */
  readonly jira?: JiraClient;
  /** Present with `sources.alertmanager.api_url`. */
  readonly alertmanager?: AlertmanagerClient;
  readonly store: StateStore;
  readonly log: Logger;
  readonly now: Clock;
  readonly deadline: Deadline;
}

/** What a person gave: a dialog's fields, or the words after a slash command. */
export interface ActionInput {
  readonly text?: string;
  readonly level?: number;
  /** Mattermost user ids (a responder to add). */
  readonly userIds?: readonly string[];
  readonly hours?: number;
}

/** One person's action on one incident. */
export interface ActionContext {
  readonly rt: ChatopsRuntime;
  readonly subject: ActionSubject;
  /** The Mattermost user who acted. */
  readonly userId: string;
  readonly via: 'button' | 'dialog' | 'command';
  /** The post the button was on (the opening post). */
  readonly postId?: string;
  /** Lets a dialog open, for a few seconds after the click or the command. */
  readonly triggerId?: string;
  readonly input: ActionInput;
}

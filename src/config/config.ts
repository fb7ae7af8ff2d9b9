/** The validated configuration every other part of the tool reads. */
export interface Config {
  readonly mattermost: {
    readonly url: string;
    /** A private CA's PEM file, trusted besides the system's; read only when a TLS connection is made. */
    readonly caFile?: string;
    readonly auth: { readonly kind: 'token'; readonly token: string } | { readonly kind: 'login'; readonly loginId: string; readonly password: string };
  };
  readonly teamName: string;
  readonly alertUsers: readonly string[];
  readonly announcementChannel: string;
  readonly archiveOnResolve: boolean;
  /** PagerDuty user id or e-mail → Mattermost username. */
  readonly userMap: Readonly<Record<string, string>>;
  readonly pagerduty: {
    readonly webhookSecrets: readonly string[];
    readonly requireSignature: boolean;
    readonly apiToken: string | undefined;
    readonly apiUrl: string;
  };
  /** How each sender is checked and read. */
  readonly sources: SourcesConfig;
  /** Where incidents go, by what they are: the first route that matches sets the team and its people. */
  readonly routes: readonly Route[];
  /** Buttons, dialogs and the slash command; each part works when its keys are set. */
  readonly chatops: ChatopsConfig;
  /** Where "Create Jira issue" files issues; absent when not configured. */
  readonly jira?: JiraConfig;
  readonly stateDir: string;
  /** Locks, dead letters and caches in Redis, shared by several hosts; files under `stateDir` without it. */
  readonly redis?: RedisConfig;
  /** Time one delivery may take, retries and lock waits included; PagerDuty gives up after 5 s. */
  readonly deadlineMs: number;
}

export interface RedisConfig {
  readonly url: string;
  /** The URL without its password, for messages. */
  readonly shown: string;
  readonly password?: string;
}

export interface ChatopsConfig {
  /** The `mattermost_action` hook's public URL: the buttons appear when it is set. */
  readonly actionUrl?: string;
  /** Signs what buttons and dialogs carry. */
  readonly actionSecret?: string;
  /** The slash command's tokens (several during a rotation). */
  readonly commandTokens: readonly string[];
}

export interface JiraConfig {
  readonly url: string;
  /** Jira Cloud: the account's e-mail, with an API token (Basic). Data Center has none (a personal token, Bearer). */
  readonly email?: string;
  readonly apiToken: string;
  readonly projectKey: string;
  readonly issueType: string;
  readonly flavour: 'cloud' | 'data-center';
}

export interface SourcesConfig {
  readonly pagerduty: { readonly authorization: readonly string[] };
  readonly alertmanager: AlertGroupSettings & { readonly authorization: readonly string[]; readonly apiUrl?: string };
  readonly grafana: AlertGroupSettings & { readonly authorization: readonly string[]; readonly webhookSecrets: readonly string[]; readonly maxAgeMs: number };
  readonly opsgenie: { readonly authorization: readonly string[]; readonly webUrl: string };
}

export interface AlertGroupSettings {
  /** A firing message this soon after the group's resolution reopens that incident instead of starting a new one. */
  readonly reopenWithinMs: number;
  readonly severityLabel: string;
  readonly serviceLabels: readonly string[];
}

/** A label value to match: exactly, or by a regular expression (written `/…/`). */
export type Matcher = { readonly exact: string } | { readonly pattern: RegExp };

export interface Route {
  /** `routes[2]`, or its `name`. */
  readonly name: string;
  readonly match: {
    readonly sources?: readonly string[];
    /** PagerDuty service ids or names (and the service label of the other sources). */
    readonly services?: readonly string[];
    readonly labels?: Readonly<Record<string, Matcher>>;
    /** Opsgenie tags, all of which the alert must carry. */
    readonly tags?: readonly string[];
    /** Opsgenie teams (as the alert names them), any one of which the alert must be for. */
    readonly teams?: readonly string[];
  };
  readonly set: {
    readonly teamName?: string;
    readonly alertUsers?: readonly string[];
    readonly announcementChannel?: string;
    readonly archiveOnResolve?: boolean;
  };
}

/** Values in the config that must never be printed. */
export function secretsOf(config: Config): string[] {
  const secrets: string[] = [...config.pagerduty.webhookSecrets];
  const auth = config.mattermost.auth;
  secrets.push(auth.kind === 'token' ? auth.token : auth.password);
  if (config.pagerduty.apiToken) secrets.push(config.pagerduty.apiToken);
  const { sources } = config;
  secrets.push(...sources.pagerduty.authorization, ...sources.alertmanager.authorization, ...sources.grafana.authorization, ...sources.grafana.webhookSecrets, ...sources.opsgenie.authorization);
  if (config.chatops.actionSecret) secrets.push(config.chatops.actionSecret);
  secrets.push(...config.chatops.commandTokens);
  if (config.jira) secrets.push(config.jira.apiToken);
  if (config.redis?.password) secrets.push(config.redis.password, encodeURIComponent(config.redis.password));
  // An Authorization value is "<scheme> <credentials>": the credentials alone must not show either.
  for (const value of [...sources.pagerduty.authorization, ...sources.alertmanager.authorization, ...sources.grafana.authorization, ...sources.opsgenie.authorization]) {
    const credentials = value.split(/\s+/)[1];
    if (credentials) secrets.push(credentials);
  }
  return secrets.filter((s) => s.length > 0);
}

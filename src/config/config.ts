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
  readonly stateDir: string;
  /** Time one delivery may take, retries and lock waits included; PagerDuty gives up after 5 s. */
  readonly deadlineMs: number;
}

/** Values in the config that must never be printed. */
export function secretsOf(config: Config): string[] {
  const secrets: string[] = [...config.pagerduty.webhookSecrets];
  const auth = config.mattermost.auth;
  secrets.push(auth.kind === 'token' ? auth.token : auth.password);
  if (config.pagerduty.apiToken) secrets.push(config.pagerduty.apiToken);
  return secrets.filter((s) => s.length > 0);
}

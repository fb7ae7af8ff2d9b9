import type { Transport } from './node-transport';
import type { JiraConfig } from '../config/config';
import type { Deadline } from '../deadline';
import { createHttpCore, pathSegment } from './http';

export interface CreatedIssue {
  readonly key: string;
  /** The issue's page: `<base>/browse/<KEY>`. */
  readonly url: string;
}

export interface JiraProject {
  readonly key: string;
  readonly name?: string;
  readonly issueTypes?: readonly { readonly id: string; readonly name: string }[];
}

export interface JiraClientOptions {
  readonly config: JiraConfig;
  readonly deadline: Deadline;
  readonly timeoutMs?: number;
  readonly transport?: Transport;
}

/**
 * Jira's REST API: Cloud (v3, e-mail and API token as Basic; descriptions in Atlassian Document Format) or Data
 * Center (v2, a personal access token as Bearer; descriptions as text).
 */
export function createJiraClient(options: JiraClientOptions) {
  const { config } = options;
  const version = config.flavour === 'cloud' ? 3 : 2;
  const core = createHttpCore({
    service: 'Jira',
    baseUrl: `${config.url}/rest/api/${version}`,
    lineBase: `/rest/api/${version}`,
    urlKey: 'jira.url',
    urlExample: config.flavour === 'cloud' ? 'https://acme.atlassian.net' : 'https://jira.example.com',
    authorization: () => (config.email ? `Basic ${Buffer.from(`${config.email}:${config.apiToken}`).toString('base64')}` : `Bearer ${config.apiToken}`),
    headers: { Accept: 'application/json' },
    deadline: options.deadline,
    requestTimeoutMs: options.timeoutMs ?? 8000,
    errorBody: (data) => {
      const body = data as { errorMessages?: unknown; errors?: unknown };
      const messages = Array.isArray(body.errorMessages) ? body.errorMessages.filter((m): m is string => typeof m === 'string') : [];
      const fields = body.errors && typeof body.errors === 'object' ? Object.entries(body.errors as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`) : [];
      return { detail: [...messages, ...fields].join('; ') || undefined };
    },
    transport: options.transport,
  });
  return {
    flavour: config.flavour,
    getProject: (key: string) => core.request<JiraProject>('GET', `/project/${pathSegment(key)}`),
    /** Creates an issue; `description` is ADF for Cloud, text for Data Center. Never re-sent: a lost answer may mean it exists. */
    createIssue: async (fields: { summary: string; description: unknown; labels: readonly string[] }): Promise<CreatedIssue> => {
      const created = await core.request<{ key: string; self?: string }>('POST', '/issue', {
        body: { fields: { project: { key: config.projectKey }, issuetype: { name: config.issueType }, summary: fields.summary, description: fields.description, labels: fields.labels } },
        retry: 'retry-unless-applied',
      });
      return { key: created.key, url: browseUrl(config.url, created) };
    },
    close: core.close,
  };
}

export type JiraClient = ReturnType<typeof createJiraClient>;

/** The issue's page: the API's `self` cut at `/rest/` keeps a Data Center context path; the base URL otherwise. */
function browseUrl(base: string, issue: { key: string; self?: string }): string {
  const root = issue.self && issue.self.includes('/rest/') ? issue.self.slice(0, issue.self.indexOf('/rest/')) : base;
  return `${root}/browse/${encodeURIComponent(issue.key)}`;
}

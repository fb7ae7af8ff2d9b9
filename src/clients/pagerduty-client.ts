import type { AxiosInstance } from 'axios';
import type { Deadline } from '../deadline';
import { createHttpCore, pathSegment } from './http';

/** What the tool reads of a PagerDuty user: the e-mail address that finds them in Mattermost. */
export interface PagerDutyUser {
  readonly id: string;
  readonly email?: string;
  readonly name?: string;
}

export interface PagerDutyClientOptions {
  readonly apiUrl: string;
  readonly token: string;
  readonly deadline: Deadline;
  readonly timeoutMs?: number;
  readonly http?: AxiosInstance;
}

const DEFAULT_TIMEOUT_MS = 1500;

/**
 * PagerDuty's REST API. Lookups are one attempt each with a short timeout, and each user is asked for at most
 * once per run: they only improve the channel's invitations, and a slow or failing PagerDuty must not hold up a
 * delivery or be hammered by retries.
 */
export function createPagerDutyClient(options: PagerDutyClientOptions) {
  const core = createHttpCore({
    service: 'PagerDuty',
    baseUrl: options.apiUrl,
    lineBase: options.apiUrl,
    urlKey: 'pagerduty.api_url',
    urlExample: 'https://api.pagerduty.com',
    authorization: () => `Token token=${options.token}`,
    headers: { Accept: 'application/vnd.pagerduty+json;version=2' },
    deadline: options.deadline,
    requestTimeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    errorBody: (data) => {
      const error = (data as { error?: { message?: unknown; code?: unknown } }).error;
      return { errorId: error?.code !== undefined ? String(error.code) : undefined, detail: typeof error?.message === 'string' ? error.message : undefined };
    },
    http: options.http,
  });
  const users = new Map<string, Promise<PagerDutyUser>>();
  const fetchUser = async (id: string): Promise<PagerDutyUser> => {
    const data = await core.request<{ user?: { email?: unknown; name?: unknown } }>('GET', `/users/${pathSegment(id)}`, { retry: 'no-retry' });
    const user = data?.user;
    return { id, email: typeof user?.email === 'string' ? user.email : undefined, name: typeof user?.name === 'string' ? user.name : undefined };
  };
  return {
    getUser(id: string): Promise<PagerDutyUser> {
      let user = users.get(id);
      if (!user) users.set(id, (user = fetchUser(id)));
      return user;
    },
    close: core.close,
  };
}

export type PagerDutyClient = ReturnType<typeof createPagerDutyClient>;

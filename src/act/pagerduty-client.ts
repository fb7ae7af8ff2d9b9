import axios, { type AxiosInstance } from 'axios';
import type { Deadline } from './deadline';

/** The slice of PagerDuty's REST API the tool uses: who a user is, to find their e-mail. */
export interface PagerDutyUser {
  readonly id: string;
  readonly email?: string;
  readonly name?: string;
}

export class PagerDutyApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
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
 * One GET per user at most, one attempt each, with a short timeout: the REST API only improves the channel's
 * invitations, and a slow or failing PagerDuty must not hold up the delivery or be hammered by retries.
 */
export function createPagerDutyClient(options: PagerDutyClientOptions) {
  const instance = options.http ?? axios.create({ baseURL: options.apiUrl, validateStatus: () => true, maxRedirects: 0 });
  const users = new Map<string, Promise<PagerDutyUser>>();
  const get = async (id: string): Promise<PagerDutyUser> => {
    const line = `GET ${options.apiUrl}/users/${id}`;
    let response;
    try {
      response = await instance.request({
        method: 'GET',
        url: `/users/${encodeURIComponent(id)}`,
        headers: { Authorization: `Token token=${options.token}`, Accept: 'application/vnd.pagerduty+json;version=2' },
        timeout: Math.max(1, Math.min(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, options.deadline.remainingMs())),
      });
    } catch (error) {
      throw new PagerDutyApiError(`${line} failed: ${(error as { code?: string }).code ?? (error as Error).message}`, 0);
    }
    if (response.status >= 400) throw new PagerDutyApiError(`${line} failed: HTTP ${response.status}`, response.status);
    const user = (response.data as { user?: { id?: unknown; email?: unknown; name?: unknown } })?.user;
    return { id, email: typeof user?.email === 'string' ? user.email : undefined, name: typeof user?.name === 'string' ? user.name : undefined };
  };
  return {
    getUser(id: string): Promise<PagerDutyUser> {
      let user = users.get(id);
      if (!user) users.set(id, (user = get(id)));
      return user;
    },
  };
}

export type PagerDutyClient = ReturnType<typeof createPagerDutyClient>;

import type { Transport } from './node-transport';
import type { Deadline } from '../deadline';
import { createHttpCore, pathSegment } from './http';

/** What the tool reads of a PagerDuty user: the e-mail address that finds them in Mattermost. */
export interface PagerDutyUser {
  readonly id: string;
  readonly email?: string;
  readonly name?: string;
}

export interface PagerDutyReference {
  readonly id: string;
  readonly type?: string;
  readonly summary?: string;
  readonly html_url?: string;
}

/** The fields of `GET /incidents/{id}` the actions read. */
export interface PagerDutyIncident {
  readonly id: string;
  readonly status: 'triggered' | 'acknowledged' | 'resolved';
  readonly title?: string;
  readonly html_url?: string;
  readonly escalation_policy?: PagerDutyReference;
  readonly acknowledgements?: readonly { readonly acknowledger?: PagerDutyReference }[];
}

export interface EscalationPolicy {
  readonly id: string;
  readonly summary?: string;
  readonly escalation_rules?: readonly { readonly targets?: readonly PagerDutyReference[] }[];
}

export interface OnCall {
  readonly escalation_level?: number;
  readonly user?: PagerDutyReference;
}

export interface PagerDutyClientOptions {
  readonly apiUrl: string;
  readonly token: string;
  readonly deadline: Deadline;
  readonly timeoutMs?: number;
  readonly transport?: Transport;
}

const DEFAULT_TIMEOUT_MS = 1500;

/**
 * PagerDuty's REST API. Deliveries only look people up: one attempt each with a short timeout, each user asked
 * for at most once per run, so a slow PagerDuty never holds up a channel. Actions from Mattermost write, as the
 * person who clicked: the `From` header names them, and PagerDuty applies their permissions.
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
      const error = (data as { error?: { message?: unknown; code?: unknown; errors?: unknown } }).error;
      // `errors` is a list of strings, sometimes one string: it says which field was wrong.
      const errors = Array.isArray(error?.errors) ? error.errors.filter((e): e is string => typeof e === 'string') : typeof error?.errors === 'string' ? [error.errors] : [];
      const message = typeof error?.message === 'string' ? error.message : undefined;
      return { errorId: error?.code !== undefined ? String(error.code) : undefined, detail: [message, ...errors].filter(Boolean).join(': ') || undefined };
    },
    transport: options.transport,
  });
  const { request } = core;
  const from = (email: string) => ({ From: email });
  const users = new Map<string, Promise<PagerDutyUser>>();
  const fetchUser = async (id: string): Promise<PagerDutyUser> => {
    const data = await request<{ user?: { email?: unknown; name?: unknown } }>('GET', `/users/${pathSegment(id)}`, { retry: 'no-retry' });
    const user = data?.user;
    return { id, email: typeof user?.email === 'string' ? user.email : undefined, name: typeof user?.name === 'string' ? user.name : undefined };
  };
  const incidentPath = (id: string) => `/incidents/${pathSegment(id)}`;
  return {
    getUser(id: string): Promise<PagerDutyUser> {
      let user = users.get(id);
      if (!user) users.set(id, (user = fetchUser(id)));
      return user;
    },
    /** Users whose name or e-mail contains `query`: PagerDuty's own search, to be narrowed by the caller. */
    findUsers: async (query: string) => (await request<{ users?: PagerDutyUser[] }>('GET', '/users', { query: { query, limit: 25 } })).users ?? [],
    getIncident: async (id: string) => (await request<{ incident: PagerDutyIncident }>('GET', incidentPath(id))).incident,
    updateIncident: async (id: string, email: string, fields: Record<string, unknown>) =>
      (await request<{ incident: PagerDutyIncident }>('PUT', incidentPath(id), { body: { incident: { type: 'incident_reference', ...fields } }, headers: from(email) })).incident,
    addNote: (id: string, email: string, content: string) => request<unknown>('POST', `${incidentPath(id)}/notes`, { body: { note: { content } }, headers: from(email) }),
    addStatusUpdate: (id: string, email: string, message: string) => request<unknown>('POST', `${incidentPath(id)}/status_updates`, { body: { message }, headers: from(email) }),
    requestResponders: (id: string, email: string, requesterId: string, message: string, userIds: readonly string[]) =>
      request<unknown>('POST', `${incidentPath(id)}/responder_requests`, {
        body: { requester_id: requesterId, message, responder_request_targets: userIds.map((target) => ({ responder_request_target: { id: target, type: 'user_reference' } })) },
        headers: from(email),
      }),
    getEscalationPolicy: async (id: string) => (await request<{ escalation_policy: EscalationPolicy }>('GET', `/escalation_policies/${pathSegment(id)}`)).escalation_policy,
    onCallsOf: async (policyId: string) => (await request<{ oncalls?: OnCall[] }>('GET', '/oncalls', { query: { 'escalation_policy_ids[]': policyId, limit: 100 } })).oncalls ?? [],
    /**
     * A write that changes nothing (no such incident), to learn whether the token may write: PagerDuty refuses a
     * read-only key with 403 before it looks at the incident, so any other answer means it may.
     */
    probeWrite: () => request<unknown>('PUT', '/incidents/PMICHECK0', { body: { incident: { type: 'incident_reference' } }, retry: 'no-retry' }),
    close: core.close,
  };
}

export type PagerDutyClient = ReturnType<typeof createPagerDutyClient>;

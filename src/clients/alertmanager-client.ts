import type { Transport } from './node-transport';
import type { Deadline } from '../deadline';
import { createHttpCore } from './http';

export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/** How errors name Alertmanager and the setting that points at it. */
const ALERTMANAGER = { service: 'Alertmanager', urlKey: 'sources.alertmanager.api_url', urlExample: 'http://alertmanager.example.com:9093' } as const;

/** Alertmanager's API v2, for the one thing the tool does there: silence an alert group. */
export function createAlertmanagerClient(options: { apiUrl: string; deadline: Deadline; transport?: Transport }) {
  const core = createHttpCore({
    ...ALERTMANAGER,
    baseUrl: `${options.apiUrl}/api/v2`,
    lineBase: '/api/v2',
    deadline: options.deadline,
    requestTimeoutMs: 5000,
    errorBody: (data) => ({ detail: typeof data === 'string' ? data : typeof (data as { message?: unknown }).message === 'string' ? (data as { message: string }).message : undefined }),
    transport: options.transport,
  });
  return {
    createSilence: async (silence: { matchers: readonly Matcher[]; startsAt: string; endsAt: string; createdBy: string; comment: string }) =>
      (await core.request<{ silenceID: string }>('POST', '/silences', { body: silence })).silenceID,
    close: core.close,
  };
}

export type AlertmanagerClient = ReturnType<typeof createAlertmanagerClient>;

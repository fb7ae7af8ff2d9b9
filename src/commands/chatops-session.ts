import type { Transport } from '../clients/node-transport';
import type { ChatopsRuntime } from '../chatops/chatops-runtime';
import { failureText } from '../chatops/failure-text';
import type { Reply } from '../chatops/reply';
import { openSession } from '../clients/mattermost-session';
import type { Config } from '../config/config';
import { type Clock, deadlineIn, realSleep } from '../deadline';
import type { Logger } from '../log';
import { openStateStore } from '../state/open-store';
import type { StateStore } from '../state/state-store';

/** Mattermost waits 30 s for an integration; an action finishes well within that, retries included. */
export const ACTION_DEADLINE_MS = 10_000;

export interface ChatopsOptions {
  readonly config: Config;
  readonly log: Logger;
  readonly now?: Clock;
  readonly transport?: Transport;
  readonly store?: StateStore;
}

/**
 * Runs an action with its clients and store open, and turns any failure into a reply the person can read (the
 * details go to the log): an action always answers, never fails the request.
 */
export async function withChatops(options: ChatopsOptions, work: (rt: ChatopsRuntime) => Promise<Reply>): Promise<Reply> {
  const { config, log } = options;
  const now = options.now ?? Date.now;
  const deadline = deadlineIn(ACTION_DEADLINE_MS, now);
  const opened: { close(): void }[] = [];
  let store: StateStore | undefined = options.store;
  try {
    store ??= await openStateStore(config, { now, sleep: realSleep });
    const client = await openSession({ config, deadline, log, transport: options.transport });
    opened.push(client);
    const { apiToken, apiUrl } = config.pagerduty;
    const pagerduty = apiToken ? (await import('../clients/pagerduty-client')).createPagerDutyClient({ apiUrl, token: apiToken, deadline, timeoutMs: 5000, transport: options.transport }) : undefined;
    const jira = config.jira ? (await import('../clients/jira-client')).createJiraClient({ config: config.jira, deadline, transport: options.transport }) : undefined;
    const amUrl = config.sources.alertmanager.apiUrl;
    const alertmanager = amUrl ? (await import('../clients/alertmanager-client')).createAlertmanagerClient({ apiUrl: amUrl, deadline, transport: options.transport }) : undefined;
    for (const c of [pagerduty, jira, alertmanager]) if (c) opened.push(c);
    return await work({ config, client, pagerduty, jira, alertmanager, store, log, now, deadline });
  } catch (error) {
    log.warn(`action failed: ${(error as Error).message}`);
    return { kind: 'ephemeral', text: failureText(error) };
  } finally {
    for (const c of opened) c.close();
    if (store && !options.store) await store.close().catch(() => undefined);
  }
}

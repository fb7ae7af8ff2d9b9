import type { Transport } from '../clients/node-transport';
import { IncidentApplier } from '../apply/apply-event';
import { lockKey, routedConfig } from '../apply/routed-config';
import { openSession } from '../clients/mattermost-session';
import { createPagerDutyClient } from '../clients/pagerduty-client';
import { type Config, secretsOf } from '../config/config';
import { type Clock, type Deadline, type Sleep, deadlineIn, realSleep } from '../deadline';
import { PayloadError, TimeoutError } from '../errors';
import { checkAuthorization } from '../sources/authorization';
import { type Logger, redact } from '../log';
import { decodeJsonBody } from '../sources/decode-json';
import { sourceFor } from '../sources/registry';
import type { InboundRequest, SourceId } from '../sources/source';
import { openStateStore } from '../state/open-store';
import type { StateStore } from '../state/state-store';

export interface DeliverOptions {
  readonly source: SourceId;
  readonly request: InboundRequest;
  readonly config: Config;
  readonly log: Logger;
  /** Receives the one-line result of each message (webhook returns it as the response body). */
  readonly out: (line: string) => void;
  /** The sender's delivery id (PagerDuty's X-Webhook-Id: the same on every retry of a delivery). */
  readonly webhookId?: string;
  readonly dryRun?: boolean;
  /** A replayed dead letter was verified when it was kept, and is not kept again when it fails. */
  readonly replay?: boolean;
  readonly now?: Clock;
  readonly sleep?: Sleep;
  readonly transport?: Transport;
  /** Where locks, dead letters and caches live; by default the config's (files under state_dir, or Redis). */
  readonly store?: StateStore;
}

/** Headers a dead letter keeps, to tell the sender's delivery apart; credentials are never kept. */
const KEPT_HEADERS = ['x-pagerduty-signature', 'x-webhook-id', 'x-grafana-alerting-signature', 'x-grafana-alerting-timestamp'];

/**
 * Handles one webhook delivery: verify and parse it, then apply its incident events in order, each under its
 * incident's lock, all within the deadline. An event that could not be applied is kept as a dead letter before
 * the error goes up.
 */
export async function deliver(options: DeliverOptions): Promise<void> {
  const { config, log, out, request } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const receivedAt = new Date(now()).toISOString();
  const source = sourceFor(options.source);
  const context = { receivedAt };
  // Credentials first, before the body is even read: a source configured with them refuses a delivery without.
  if (!options.replay) checkAuthorization(request.headers.authorization, config.sources[source.id].authorization, source.label);
  if (request.body.length > source.maxBodyBytes) throw new PayloadError(`body too large: ${request.body.length} bytes (more than ${source.label} ever sends)`);
  const body = source.decode ? source.decode(request.body) : decodeJsonBody(request.body, source.maxBodyBytes, `more than ${source.label} ever sends`);
  if (!options.replay) source.verify(request, body, config, context);
  const messages = source.parse(body, config, context);

  for (const message of messages) {
    if (message.kind === 'ignored') {
      log.info(`ignored ${message.eventType}: ${message.reason}`);
      out(`ignored ${message.eventType} (${message.reason})`);
    }
  }
  const events = messages.filter((m) => m.kind !== 'ignored');
  if (events.length === 0) return;

  const deadline = deadlineIn(config.deadlineMs, now);
  const store = options.store ?? (await openStateStore(config, { now, sleep }));
  try {
    await withinDeadline(deadline, config.deadlineMs, async () => {
      const dryRun = options.dryRun ? (line: string) => out(`dry run: would ${line}`) : undefined;
      const client = await openSession({ config, deadline, log, dryRun, transport: options.transport, sleep });
      const { apiToken, apiUrl } = config.pagerduty;
      const pagerduty = apiToken ? createPagerDutyClient({ apiUrl, token: apiToken, deadline }) : undefined;
      try {
        const appliers = new Map<string, IncidentApplier>();
        for (const event of events) {
          const routed = await routedConfig(config, event, store, options.dryRun === true);
          const key = `${routed.teamName}\n${routed.announcementChannel}\n${routed.alertUsers.join(',')}\n${routed.archiveOnResolve}`;
          let applier = appliers.get(key);
          if (!applier) appliers.set(key, (applier = new IncidentApplier({ client, pagerduty, cache: store.cache, config: routed, log, now, dryRun: options.dryRun })));
          const apply = () => applier.apply(event);
          out(options.dryRun ? await apply() : await store.withLock(lockKey(routed, event.incident.id), `incident ${event.incident.id}`, deadline, apply));
        }
      } finally {
        client.close();
        pagerduty?.close();
      }
    });
  } catch (error) {
    if (!options.dryRun && !options.replay) await keepDeadLetter(options, store, error, receivedAt);
    throw error;
  } finally {
    if (!options.store) await store.close();
  }
}

/**
 * Runs `work`, giving up when the deadline passes, whatever the work is waiting for (a server sending its
 * answer byte by byte): the sender gets its answer in time and retries.
 */
async function withinDeadline(deadline: Deadline, totalMs: number, work: () => Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    // A moment past the deadline: a request given up at the deadline says itself what it was waiting for.
    timer = setTimeout(() => reject(new TimeoutError(`the run did not finish within deadline_seconds (${totalMs / 1000} s); it is kept as a dead letter, and the sender will retry`)), deadline.remainingMs() + 250);
  });
  const running = work();
  running.catch(() => undefined);
  try {
    await Promise.race([running, expired]);
  } finally {
    clearTimeout(timer);
  }
}

async function keepDeadLetter(options: DeliverOptions, store: StateStore, error: unknown, receivedAt: string): Promise<void> {
  const { config, log, request } = options;
  // A server can echo anything back in an error message; the secrets stay out of the letter.
  const reason = redact((error as Error).message, secretsOf(config));
  const headers = Object.fromEntries(KEPT_HEADERS.map((name) => [name, request.headers[name]]).filter((e): e is [string, string] => typeof e[1] === 'string'));
  try {
    const { id, dropped } = await store.deadLetters.write({
      received_at: receivedAt,
      reason,
      source: options.source,
      headers: options.webhookId ? { ...headers, 'x-webhook-id': options.webhookId } : headers,
      target: { url: config.mattermost.url, team: config.teamName },
      webhook_id: options.webhookId,
      body: request.body.toString('utf8'),
    });
    log.warn(`kept as a dead letter for \`mattermost-incident replay\`: ${id}`);
    if (dropped) log.warn(`the dead letters were full: the oldest, ${dropped}, was dropped to make room`);
  } catch (keepError) {
    log.warn(`could not keep a dead letter: ${(keepError as Error).message}`);
  }
}

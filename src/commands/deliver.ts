import type { AxiosInstance } from 'axios';
import { IncidentApplier } from '../apply/apply-event';
import { openSession } from '../clients/mattermost-session';
import { createPagerDutyClient } from '../clients/pagerduty-client';
import { type Config, secretsOf } from '../config/config';
import { type Clock, type Sleep, deadlineIn, realSleep } from '../deadline';
import { type Logger, redact } from '../log';
import { decodeJsonBody } from '../sources/decode-json';
import { sourceFor } from '../sources/registry';
import type { InboundRequest, SourceId } from '../sources/source';
import { writeDeadLetter } from '../state/dead-letters';
import { withIncidentLock } from '../state/incident-lock';
import { fileTeamCache } from '../state/team-cache';

export interface DeliverOptions {
  readonly source: SourceId;
  readonly request: InboundRequest;
  readonly config: Config;
  readonly log: Logger;
  /** Receives the one-line result of each message (webhook returns it as the response body). */
  readonly out: (line: string) => void;
  /** The X-Webhook-Id header value (the same on every retry of a delivery). */
  readonly webhookId?: string;
  readonly dryRun?: boolean;
  /** A replayed dead letter was verified when it arrived, and is not written again when it fails. */
  readonly replay?: boolean;
  readonly now?: Clock;
  readonly sleep?: Sleep;
  readonly http?: AxiosInstance;
}

/**
 * Handles one webhook delivery: verify and parse it, then apply its incident events in order, each under its
 * incident's lock. An event that could not be applied is kept as a dead letter before the error goes up.
 */
export async function deliver(options: DeliverOptions): Promise<void> {
  const { config, log, out, request } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const receivedAt = new Date(now()).toISOString();
  const source = sourceFor(options.source);
  const body = decodeJsonBody(request.body, source.maxBodyBytes, `more than ${source.label} ever sends`);
  if (!options.replay) source.verify(request, body, config);
  const messages = source.parse(body, config);

  for (const message of messages) {
    if (message.kind === 'ignored') {
      log.info(`ignored ${message.eventType}: ${message.reason}`);
      out(`ignored ${message.eventType} (${message.reason})`);
    }
  }
  const events = messages.filter((m) => m.kind !== 'ignored');
  if (events.length === 0) return;

  const deadline = deadlineIn(config.deadlineMs, now);
  const dryRun = options.dryRun ? (line: string) => out(`dry run: would ${line}`) : undefined;
  try {
    const client = await openSession({ config, deadline, log, dryRun, http: options.http, sleep });
    const { apiToken, apiUrl } = config.pagerduty;
    const pagerduty = apiToken ? createPagerDutyClient({ apiUrl, token: apiToken, deadline }) : undefined;
    try {
      const teamCache = fileTeamCache(config.stateDir, config.mattermost.url, config.teamName);
      const applier = new IncidentApplier({ client, pagerduty, teamCache, config, log, now, dryRun: options.dryRun });
      for (const event of events) {
        const apply = () => applier.apply(event);
        out(options.dryRun ? await apply() : await withIncidentLock(event.incident.id, { stateDir: config.stateDir, deadline, sleep, now }, apply));
      }
    } finally {
      client.close();
      pagerduty?.close();
    }
  } catch (error) {
    if (!options.dryRun && !options.replay) {
      // A server can echo anything back in an error message; the secrets stay out of the letter.
      const reason = redact((error as Error).message, secretsOf(config));
      const path = writeDeadLetter(config.stateDir, {
        received_at: receivedAt,
        reason,
        target: { url: config.mattermost.url, team: config.teamName },
        signature: request.headers['x-pagerduty-signature'],
        webhook_id: options.webhookId,
        body: request.body.toString('utf8'),
      });
      log.warn(`kept as a dead letter for \`mattermost-incident replay\`: ${path}`);
    }
    throw error;
  }
}

import type { AxiosInstance } from 'axios';
import { IncidentApplier } from '../act/apply-event';
import { writeDeadLetter } from '../act/dead-letters';
import { type Clock, type Sleep, deadlineIn, realSleep } from '../act/deadline';
import { withIncidentLock } from '../act/incident-lock';
import { createPagerDutyClient } from '../act/pagerduty-client';
import { openSession } from '../act/session';
import { fileTeamCache } from '../act/team-cache';
import { type Config, secretsOf } from '../config/config';
import { SignatureError } from '../errors';
import { type Logger, redact } from '../log';
import { decodeBody, parseDelivery } from '../parse/parse-delivery';
import { verifySignature } from '../receive/verify-signature';

export interface DeliverOptions {
  readonly raw: Buffer;
  readonly config: Config;
  readonly log: Logger;
  /** Receives the one-line result of each message (webhook returns it as the response body). */
  readonly out: (line: string) => void;
  /** The X-PagerDuty-Signature header value, when the delivery had one. */
  readonly signature?: string;
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
 * Handles one webhook delivery: parse and verify it, then apply its incident events in order, each under its
 * incident's lock. An event that could not be applied is kept as a dead letter before the error goes up.
 */
export async function deliver(options: DeliverOptions): Promise<void> {
  const { config, log, out } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const receivedAt = new Date(now()).toISOString();
  const delivery = parseDelivery(decodeBody(options.raw));
  if (!options.replay) checkSignature(options, delivery.generation);

  for (const message of delivery.messages) {
    if (message.kind === 'ignored') {
      log.info(`ignored ${message.eventType}: ${message.reason}`);
      out(`ignored ${message.eventType} (${message.reason})`);
    }
  }
  const events = delivery.messages.filter((m) => m.kind !== 'ignored');
  if (events.length === 0) return;

  const deadline = deadlineIn(config.deadlineMs, now);
  const dryRun = options.dryRun ? (line: string) => out(`dry run: would ${line}`) : undefined;
  try {
    const client = await openSession({ config, deadline, log, dryRun, http: options.http, sleep });
    try {
      const { apiToken, apiUrl } = config.pagerduty;
      const pagerduty = apiToken ? createPagerDutyClient({ apiUrl, token: apiToken, deadline }) : undefined;
      const teamCache = fileTeamCache(config.stateDir, config.mattermost.url, config.teamName);
      const applier = new IncidentApplier({ client, pagerduty, teamCache, config, log, now });
      for (const event of events) {
        const apply = () => applier.apply(event);
        out(options.dryRun ? await apply() : await withIncidentLock(event.incident.id, { stateDir: config.stateDir, deadline, sleep, now }, apply));
      }
    } finally {
      client.close();
    }
  } catch (error) {
    if (!options.dryRun && !options.replay) {
      // A server can echo anything back in an error message; the secrets stay out of the letter.
      const reason = redact((error as Error).message, secretsOf(config));
      const path = writeDeadLetter(config.stateDir, {
        received_at: receivedAt,
        reason,
        target: { url: config.mattermost.url, team: config.teamName },
        signature: options.signature,
        webhook_id: options.webhookId,
        body: options.raw.toString('utf8'),
      });
      log.warn(`kept as a dead letter for \`mattermost-incident replay\`: ${path}`);
    }
    throw error;
  }
}

/** With webhook secrets set, V3 deliveries must be signed; V1/V2 cannot be, so only require_signature refuses them. */
function checkSignature(options: DeliverOptions, generation: 'v1' | 'v2' | 'v3'): void {
  const { webhookSecrets, requireSignature } = options.config.pagerduty;
  if (generation !== 'v3') {
    if (requireSignature) throw new SignatureError(`signature required: ${generation.toUpperCase()} deliveries cannot be signed and pagerduty.require_signature is true`);
    return;
  }
  if (webhookSecrets.length > 0) verifySignature(options.raw, options.signature, webhookSecrets);
}

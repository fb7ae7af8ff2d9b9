import { IncidentApplier } from '../act/apply-event';
import { type Clock, deadlineIn, type Sleep } from '../act/deadline';
import { openSession } from '../act/session';
import type { Config } from '../config/config';
import type { Logger } from '../log';
import { decodeBody, parseDelivery } from '../parse/parse-delivery';
import type { AxiosInstance } from 'axios';

export interface DeliverOptions {
  readonly raw: Buffer;
  readonly config: Config;
  readonly log: Logger;
  /** Receives the one-line result of each message (webhook returns it as the response body). */
  readonly out: (line: string) => void;
  readonly dryRun?: boolean;
  readonly now?: Clock;
  readonly sleep?: Sleep;
  readonly http?: AxiosInstance;
}

/** Handles one webhook delivery: parse every message, then apply the incident events in order. */
export async function deliver(options: DeliverOptions): Promise<void> {
  const { config, log, out } = options;
  const now = options.now ?? Date.now;
  const delivery = parseDelivery(decodeBody(options.raw));
  const events = delivery.messages.filter((m) => m.kind !== 'ignored');
  for (const message of delivery.messages) {
    if (message.kind === 'ignored') {
      log.info(`ignored ${message.eventType}: ${message.reason}`);
      out(`ignored ${message.eventType} (${message.reason})`);
    }
  }
  if (events.length === 0) return;

  const deadline = deadlineIn(config.deadlineMs, now);
  const dryRun = options.dryRun ? (line: string) => out(`dry run: would ${line}`) : undefined;
  const client = await openSession({ config, deadline, log, dryRun, http: options.http, sleep: options.sleep });
  try {
    const applier = new IncidentApplier({ client, config, log, now });
    for (const event of events) out(await applier.apply(event));
  } finally {
    client.close();
  }
}

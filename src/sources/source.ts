import type { Config } from '../config/config';
import type { ParsedMessage, SourceId } from '../incident/incident-event';

export type { SourceId } from '../incident/incident-event';

/** A delivery as the webhook daemon hands it over: the exact body bytes and the headers the hook passes on. */
export interface InboundRequest {
  readonly body: Buffer;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string | undefined>>;
}

/** One alerting system: how its deliveries are checked and what they become. */
export interface AlertSource {
  readonly id: SourceId;
  /** How the sender is named in messages (`PagerDuty`). */
  readonly label: string;
  /** The largest body the sender ever sends, with room to spare; larger bodies are refused unread. */
  readonly maxBodyBytes: number;
  /** Refuses a delivery that does not prove where it comes from; `body` is the decoded JSON, not yet normalised. */
  verify(request: InboundRequest, body: unknown, config: Config, context: ParseContext): void;
  /** Normalises the body into incident events and messages deliberately ignored. */
  parse(body: unknown, config: Config, context: ParseContext): readonly ParsedMessage[];
  /** Decodes the raw bytes, where plain JSON.parse would lose something (Opsgenie's 19-digit times). */
  decode?(raw: Buffer): unknown;
}

export interface ParseContext {
  /** When the delivery arrived (ISO 8601): the time of senders whose messages carry none. */
  readonly receivedAt: string;
}

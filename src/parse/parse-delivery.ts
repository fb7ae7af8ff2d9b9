import { PayloadError } from '../errors';
import type { Delivery, ParsedMessage } from './incident-event';
import { JsonReader } from './json-reader';
import { parseV1Message } from './parse-v1';
import { parseV2Message } from './parse-v2';
import { parseV3Event } from './parse-v3';

/** PagerDuty sends at most 256 KB; anything far beyond is not a PagerDuty delivery. */
export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_MESSAGES = 100;

/** Decodes the raw bytes strictly as UTF-8 JSON; every failure is a one-line PayloadError. */
export function decodeBody(raw: Buffer): unknown {
  if (raw.length > MAX_BODY_BYTES) throw new PayloadError(`body too large: ${raw.length} bytes (PagerDuty sends at most 256 KB)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new PayloadError('body is not valid UTF-8');
  }
  if (text.trim() === '') throw new PayloadError('body is empty');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PayloadError(`body is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * Tells the generation by the body's shape (PagerDuty's own rule: V3 has `event.event_type`, V2 messages have
 * `event`, V1 messages have `type` and `data.incident`) and normalises every message.
 */
export function parseDelivery(body: unknown): Delivery {
  const root = JsonReader.root(body, '');
  const event = root.optionalObject('event');
  if (event?.has('event_type')) return { generation: 'v3', messages: [parseV3Event(event)] };

  if (!root.has('messages')) throw new PayloadError('not a PagerDuty webhook: expected "event" (V3) or "messages" (V1/V2)');
  const messages = root.objects('messages');
  if (messages.length === 0) throw new PayloadError('messages: empty list');
  if (messages.length > MAX_MESSAGES) throw new PayloadError(`messages: ${messages.length} messages, more than PagerDuty ever batches`);
  let generation: 'v1' | 'v2' | undefined;
  const parsed: ParsedMessage[] = messages.map((message) => {
    const isV2 = message.has('event');
    const isV1 = !isV2 && message.has('type') && message.optionalObject('data')?.has('incident');
    if (!isV1 && !isV2) throw new PayloadError(`${message.path}: neither a V2 message ("event", "incident") nor a V1 message ("type", "data.incident")`);
    generation ??= isV2 ? 'v2' : 'v1';
    return isV2 ? parseV2Message(message) : parseV1Message(message);
  });
  return { generation: generation ?? 'v2', messages: parsed };
}


import { PayloadError } from '../../errors';
import type { ParsedMessage } from '../../incident/incident-event';
import { JsonReader } from '../json-reader';
import { parseV1Message } from './v1';
import { parseV2Message } from './v2';
import { parseV3Event } from './v3';

export type Generation = 'v1' | 'v2' | 'v3';

const MAX_MESSAGES = 100;

/**
 * Tells the generation by the body's shape (PagerDuty's own rule: V3 has `event.event_type`, V2 messages have
 * `event`, V1 messages have `type` and `data.incident`).
 */
export function detectGeneration(body: unknown): Generation {
  const root = JsonReader.root(body, '');
  if (root.optionalObject('event')?.has('event_type')) return 'v3';
  const messages = pagerdutyMessages(root);
  return messages[0].has('event') ? 'v2' : 'v1';
}

/** Every message of a delivery, in order, normalised. */
export function parsePagerDuty(body: unknown): ParsedMessage[] {
  const root = JsonReader.root(body, '');
  const event = root.optionalObject('event');
  if (event?.has('event_type')) return [parseV3Event(event)];
  return pagerdutyMessages(root).map((message) => (message.has('event') ? parseV2Message(message) : parseV1Message(message)));
}

function pagerdutyMessages(root: JsonReader): JsonReader[] {
  if (!root.has('messages')) throw new PayloadError('not a PagerDuty webhook: expected "event" (V3) or "messages" (V1/V2)');
  const messages = root.objects('messages');
  if (messages.length === 0) throw new PayloadError('messages: empty list');
  if (messages.length > MAX_MESSAGES) throw new PayloadError(`messages: ${messages.length} messages, more than PagerDuty ever batches`);
  for (const message of messages) {
    const isV2 = message.has('event');
    const isV1 = !isV2 && message.has('type') && message.optionalObject('data')?.has('incident');
    if (!isV1 && !isV2) throw new PayloadError(`${message.path}: neither a V2 message ("event", "incident") nor a V1 message ("type", "data.incident")`);
  }
  return messages;
}

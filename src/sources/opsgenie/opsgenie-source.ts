import { decodeJsonBody } from '../decode-json';
import type { AlertSource } from '../source';
import { quoteLongIntegers } from './long-integers';
import { parseOpsgenie } from './parse-opsgenie';

/** Opsgenie's (and Jira Service Management's) outgoing webhook. It cannot sign: `sources.opsgenie.authorization` guards it. */
export const opsgenieSource: AlertSource = {
  id: 'opsgenie',
  label: 'Opsgenie',
  maxBodyBytes: 1024 * 1024,
  verify: () => undefined,
  decode: (raw) => {
    const text = raw.toString('utf8');
    return decodeJsonBody(Buffer.from(quoteLongIntegers(text)), 4 * 1024 * 1024, 'more than Opsgenie ever sends');
  },
  parse: (body, config, context) => parseOpsgenie(body, { receivedAt: context.receivedAt, webUrl: config.sources.opsgenie.webUrl }),
};

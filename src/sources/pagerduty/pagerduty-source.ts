import { SignatureError } from '../../errors';
import type { AlertSource } from '../source';
import { detectGeneration, parsePagerDuty } from './parse-pagerduty';
import { looksReserialised, verifySignature } from './signature';

/** PagerDuty sends at most 256 KB; anything far beyond is not a PagerDuty delivery. */
export const PAGERDUTY_MAX_BODY_BYTES = 1024 * 1024;

/**
 * PagerDuty's webhooks, V1, V2 and V3. With webhook secrets set, V3 deliveries must be signed; V1 and V2 cannot
 * be, so only `require_signature` refuses them.
 */
export const pagerdutySource: AlertSource = {
  id: 'pagerduty',
  label: 'PagerDuty',
  maxBodyBytes: PAGERDUTY_MAX_BODY_BYTES,
  verify(request, body, config) {
    const { webhookSecrets, requireSignature } = config.pagerduty;
    if (webhookSecrets.length === 0 && !requireSignature) return;
    const generation = detectGeneration(body);
    if (generation !== 'v3') {
      if (requireSignature) throw new SignatureError(`signature required: ${generation.toUpperCase()} deliveries cannot be signed and pagerduty.require_signature is true`);
      return;
    }
    try {
      verifySignature(request.body, request.headers['x-pagerduty-signature'], webhookSecrets);
    } catch (error) {
      if (error instanceof SignatureError && error.message.startsWith('signature mismatch') && looksReserialised(request.body, body)) {
        throw new SignatureError(`${error.message}; the body looks re-serialised (compact, keys sorted): the hook passes "entire-payload", so pass "raw-request-body" instead, as hooks.json.sample does`, { cause: error });
      }
      throw error;
    }
  },
  parse: (body) => parsePagerDuty(body),
};

import { createHash, timingSafeEqual } from 'node:crypto';
import { SignatureError } from '../errors';

/**
 * Checks the request's Authorization header against the accepted values (a source that cannot sign is told a
 * shared secret: `Bearer …`, `Basic …`). Compared in constant time, on digests so lengths do not show either.
 */
export function checkAuthorization(given: string | undefined, accepted: readonly string[], sender: string): void {
  if (accepted.length === 0) return;
  if (!given) throw new SignatureError(`credentials missing: ${sender} deliveries must carry an Authorization header (the hook passes it as MATTERMOST_INCIDENT_AUTHORIZATION)`);
  const digest = (text: string) => createHash('sha256').update(text.trim()).digest();
  const actual = digest(given);
  let match = false;
  for (const value of accepted) match = timingSafeEqual(actual, digest(value)) || match;
  if (!match) throw new SignatureError(`credentials refused: the Authorization header is none of those configured for ${sender}`);
}

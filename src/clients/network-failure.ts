/** A failed connection said in words, with what to check; the system's error code stays in the cause only. */

const TLS_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

export interface FailureContext {
  readonly url: string;
  /** The config keys a user fixes: the URL's and the CA file's. */
  readonly urlKey: string;
  readonly caKey: string;
  readonly timeoutMs: number;
}

export function describeNetworkFailure(error: unknown, context: FailureContext): { reason: string; temporary: boolean } {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const { hostname, host } = new URL(context.url);
  const port = new URL(context.url).port || (context.url.startsWith('https:') ? '443' : '80');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return { reason: `the host ${hostname} does not resolve (DNS): check the host name in ${context.urlKey}`, temporary: true };
  }
  if (code === 'ECONNREFUSED') return { reason: `nothing answers at ${hostname}:${port} (connection refused): is the server running, and is the port in ${context.urlKey} right?`, temporary: true };
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code === 'ESOCKETTIMEDOUT' || code === 'ERR_CANCELED' || (error as Error)?.name === 'AbortError' || (error as Error)?.name === 'CanceledError') {
    return { reason: `no answer from ${host} within ${(context.timeoutMs / 1000).toFixed(1)} s (timed out): is the address right, or is a firewall in the way?`, temporary: true };
  }
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_SOCKET_CONNECTION_TIMEOUT') return { reason: `the connection to ${host} was closed before an answer came`, temporary: true };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EHOSTDOWN') return { reason: `${hostname} cannot be reached from here (no route to the host)`, temporary: true };
  if (TLS_UNTRUSTED.has(code)) {
    return {
      reason: `the TLS certificate of ${hostname} is not trusted (self-signed, or signed by a private CA): set ${context.caKey} to the PEM file of the CA that signed it (NODE_EXTRA_CA_CERTS works too, but every Node process on the host then loads it at start-up)`,
      temporary: false,
    };
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return { reason: `the TLS certificate of ${hostname} is ${code === 'CERT_HAS_EXPIRED' ? 'expired' : 'not valid yet'}: renew it on the server`, temporary: false };
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { reason: `the TLS certificate of ${hostname} is for another name: use the host name the certificate names in ${context.urlKey}`, temporary: false };
  if (code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test((error as Error).message ?? '')) {
    return { reason: `the TLS handshake with ${host} failed: is that port plain http? then use http:// in ${context.urlKey}`, temporary: false };
  }
  return { reason: code ? `the connection to ${host} failed (${(error as Error).message})` : (error as Error).message, temporary: true };
}

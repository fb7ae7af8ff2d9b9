/** An http(s) base URL without its trailing slashes; credentials in it are refused, and never printed. */
export function httpUrl(value: string | undefined, key: string, problems: string[], hints: { envName?: string; secretGoes: string; apiPath?: string }): string | undefined {
  if (value === undefined) {
    problems.push(`${key}: required${hints.envName ? ` (or set ${hints.envName})` : ''}`);
    return undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    problems.push(`${key}: not a URL${value.includes('@') ? '' : `: "${value.slice(0, 80)}"`}`);
    return undefined;
  }
  if (parsed.username || parsed.password) {
    problems.push(`${key}: holds credentials (user:password@host), which would be sent as Basic auth and printed in errors: remove them; ${hints.secretGoes}`);
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    problems.push(`${key}: must start with http:// or https://, got "${parsed.protocol}"`);
    return undefined;
  }
  const base = value.replace(/\/+$/, '');
  if (hints.apiPath && base.endsWith(hints.apiPath)) {
    problems.push(`${key}: ends in ${hints.apiPath}, which the tool adds itself: use ${base.slice(0, -hints.apiPath.length) || parsed.origin}`);
    return undefined;
  }
  return base;
}

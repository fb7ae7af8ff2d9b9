import type { RedisConfig } from './config';

/** Where to connect: one server, or the Sentinels that name the master. */
export type RedisTarget =
  | { readonly kind: 'server'; readonly url: string }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly { host: string; port: number }[]; readonly name: string; readonly db: number; readonly password?: string; readonly tls: boolean };

const SENTINEL = /^redis(s)?\+sentinel:\/\/(?::([^@/]*)@)?([^/@]+)\/([^/?#]+)(?:\/(\d{1,2}))?\/?$/;

/**
 * `redis_url`: `redis://[:password@]host[:port][/db]`, `rediss://…` for TLS, or
 * `redis+sentinel://[:password@]host[:port][,host[:port]…]/<master name>[/db]`. Returns a problem for conf.yaml
 * otherwise; the password never appears in it or in `shown`.
 */
export function parseRedisUrl(value: string): RedisConfig | string {
  const sentinel = SENTINEL.exec(value);
  if (sentinel) {
    const hosts = sentinel[3].split(',').map((h) => /^([A-Za-z0-9.-]+|\[[0-9a-fA-F:]+\])(?::(\d{1,5}))?$/.exec(h.trim()));
    if (hosts.some((h) => !h)) return 'redis_url: the Sentinels must be host[:port] separated by commas';
    const password = sentinel[2] ? decodeURIComponent(sentinel[2]) : undefined;
    return { url: value, shown: password ? value.replace(`:${sentinel[2]}@`, ':***@') : value, password };
  }
  if (/^rediss?\+sentinel:/.test(value)) return 'redis_url: a Sentinel URL looks like redis+sentinel://:password@sentinel-1:26379,sentinel-2:26379/mymaster/0';
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return 'redis_url: not a URL (it should look like redis://:password@redis.example.com:6379/0)';
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `redis_url: must start with redis://, rediss:// or redis+sentinel://, got "${parsed.protocol}"`;
  const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
  const shown = new URL(value);
  if (shown.password) shown.password = '***';
  return { url: value, shown: shown.href, password };
}

/** The connection the URL names. */
export function redisTarget(config: RedisConfig): RedisTarget {
  const sentinel = SENTINEL.exec(config.url);
  if (!sentinel) return { kind: 'server', url: config.url };
  return {
    kind: 'sentinel',
    sentinels: sentinel[3].split(',').map((h) => {
      const [, host, port] = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(h.trim())!;
      return { host, port: port ? Number(port) : 26379 };
    }),
    name: decodeURIComponent(sentinel[4]),
    db: sentinel[5] ? Number(sentinel[5]) : 0,
    password: config.password,
    tls: sentinel[1] === 's',
  };
}

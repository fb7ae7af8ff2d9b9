/** Reading, parsing and validating conf.yaml, in process. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { secretsOf } from '../../src/config/config';
import { parseConfigText } from '../../src/config/parse-config';
import { readConfigFile } from '../../src/config/read-config';
import { validateConfig } from '../../src/config/validate-config';
import { ConfigError } from '../../src/errors';

const minimal = { mattermost_api: { url: 'https://chat.example.com/', token: 'tok-123456' }, notification_settings: { team_name: 'ops', alert_users: ['@alice', 'bob'] } };

describe('validateConfig', () => {
  test('the recipe keys, defaults and normalisation', () => {
    const { config, warnings } = validateConfig(minimal, {}, 'conf.yaml');
    assert.equal(config.mattermost.url, 'https://chat.example.com');
    assert.deepEqual(config.mattermost.auth, { kind: 'token', token: 'tok-123456' });
    assert.equal(config.teamName, 'ops');
    assert.deepEqual(config.alertUsers, ['alice', 'bob']);
    assert.equal(config.announcementChannel, 'town-square');
    assert.equal(config.archiveOnResolve, false);
    assert.equal(config.deadlineMs, 4000);
    assert.equal(config.pagerduty.apiUrl, 'https://api.pagerduty.com');
    assert.deepEqual(warnings, []);
  });

  test('the environment overrides the file', () => {
    const { config } = validateConfig(minimal, { MATTERMOST_URL: 'http://other:8065', MATTERMOST_TOKEN: 'env-token', PAGERDUTY_WEBHOOK_SECRETS: 'a, b', PAGERDUTY_API_TOKEN: 'pd' }, 'conf.yaml');
    assert.equal(config.mattermost.url, 'http://other:8065');
    assert.deepEqual(config.mattermost.auth, { kind: 'token', token: 'env-token' });
    assert.deepEqual(config.pagerduty.webhookSecrets, ['a', 'b']);
    assert.equal(config.pagerduty.apiToken, 'pd');
  });

  test('legacy login', () => {
    const { config } = validateConfig({ ...minimal, mattermost_api: { url: 'https://chat.example.com', login_id: 'bot', password: 1234 } }, {}, 'conf.yaml');
    assert.deepEqual(config.mattermost.auth, { kind: 'login', loginId: 'bot', password: '1234' });
  });

  test('every problem at once, each with its key path', () => {
    const raw = { mattermost_api: { url: 'ftp://x', token: 5 }, notification_settings: { alert_users: 'alice', archive_on_resolve: 'yes', user_map: { P1: 3 } }, deadline_seconds: 900 };
    assert.throws(
      () => validateConfig(raw, {}, 'conf.yaml'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const paths = ['mattermost_api.url', 'mattermost_api.token', 'notification_settings.team_name', 'notification_settings.alert_users', 'notification_settings.archive_on_resolve', 'notification_settings.user_map.P1', 'deadline_seconds'];
        for (const path of paths) assert.ok(error.problems.some((p) => p.startsWith(path)), path);
        assert.doesNotMatch(error.message, /\n/);
        return true;
      },
    );
  });

  test('unknown keys are warnings, not errors', () => {
    const { warnings } = validateConfig({ ...minimal, extra: 1 }, {}, 'conf.yaml');
    assert.deepEqual(warnings, ['extra: unknown key, ignored']);
  });

  test('secretsOf lists what must never be printed', () => {
    const { config } = validateConfig({ ...minimal, pagerduty: { webhook_secrets: ['s3cret'], api_token: 'pd-token' } }, {}, 'conf.yaml');
    assert.deepEqual(secretsOf(config).sort(), ['pd-token', 's3cret', 'tok-123456']);
  });
});

describe('parseConfigText and readConfigFile', () => {
  test('YAML syntax errors are one ConfigError naming the file', () => {
    assert.throws(() => parseConfigText('a: [unclosed\n', 'conf.yaml'), (e: unknown) => e instanceof ConfigError && /conf\.yaml.*not valid YAML/.test(e.message));
  });

  test('an empty file is an empty mapping', () => {
    assert.deepEqual(parseConfigText('', 'conf.yaml'), {});
  });

  test('a missing file is a ConfigError naming the path', () => {
    const fs = { readFileSync: () => '', statSync: () => { throw Object.assign(new Error('nope'), { code: 'ENOENT' }); } };
    assert.throws(() => readConfigFile('/etc/x.yaml', undefined, fs), /\/etc\/x\.yaml.*file not found/);
  });
});

describe('redis_url', () => {
  test('a server, TLS, or Sentinels; the password never shown', async () => {
    const { parseRedisUrl, redisTarget } = await import('../../src/config/redis-url');
    const server = parseRedisUrl('redis://:p%40ss@redis.example.com:6380/2');
    assert.ok(typeof server !== 'string');
    assert.equal(server.shown, 'redis://:***@redis.example.com:6380/2');
    assert.equal(server.password, 'p@ss');
    assert.deepEqual(redisTarget(server), { kind: 'server', url: 'redis://:p%40ss@redis.example.com:6380/2' });
    const sentinel = parseRedisUrl('rediss+sentinel://:pw@s1:26379,s2,[::1]:26380/mymaster/3');
    assert.ok(typeof sentinel !== 'string');
    assert.equal(sentinel.shown, 'rediss+sentinel://:***@s1:26379,s2,[::1]:26380/mymaster/3');
    assert.deepEqual(redisTarget(sentinel), { kind: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }, { host: '::1', port: 26380 }], name: 'mymaster', db: 3, password: 'pw', tls: true });
    for (const [bad, problem] of [['http://x', /must start with redis:\/\//], ['redis+sentinel://s1:26379', /a Sentinel URL looks like/], ['not a url', /not a URL/]] as const) assert.match(String(parseRedisUrl(bad)), problem);
  });

  test('from the environment, a secret of the config', () => {
    const { config } = validateConfig(minimal, { MATTERMOST_INCIDENT_REDIS_URL: 'redis://:hunter22@10.0.0.5:6379/0' }, 'conf.yaml');
    assert.equal(config.redis?.shown, 'redis://:***@10.0.0.5:6379/0');
    assert.ok(secretsOf(config).includes('hunter22'));
    assert.throws(() => validateConfig({ ...minimal, redis_url: 'ftp://:hunter22@x' }, {}, 'conf.yaml'), (error: Error) => /redis_url: must start with redis/.test(error.message) && !error.message.includes('hunter22'));
  });
});

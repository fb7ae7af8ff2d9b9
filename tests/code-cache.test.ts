/** The build's V8 code cache: used when it fits the bundle and this Node; otherwise a plain compile, which works. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { spawn } from 'node:child_process';
import { ROOT, startWorld, testData } from './helpers/world';

const copies: string[] = [];
after(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

/** bin/ and dist/ as built, elsewhere, with the cache changed by `change`. */
function installed(change: (cachePath: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-cache-'));
  copies.push(dir);
  cpSync(join(ROOT, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  change(join(dir, 'dist', 'cli-program.cache'));
  return join(dir, 'bin', 'mattermost-incident');
}

const header = (path: string) => JSON.parse(readFileSync(path).subarray(0, readFileSync(path).indexOf(10)).toString('utf8'));

test('the build makes a cache for each bundle and this Node, and a delivery uses it (no fall-back said)', async () => {
  for (const name of ['cli-program', 'redis-client']) {
    const made = header(join(ROOT, 'dist', `${name}.cache`));
    assert.equal(made.node, process.version);
    assert.equal(made.build, /mattermost-incident-build=(\w+)/.exec(readFileSync(join(ROOT, 'dist', `${name}.js`), 'utf8'))![1], name);
  }
  const world = await startWorld();
  try {
    const result = await world.run(['--body', testData('incident.trigger.json')], { env: { MATTERMOST_INCIDENT_DEBUG: '1' } });
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /code cache/);
  } finally {
    await world.close();
  }
});

test('a cache that is missing, stale, made by another Node or damaged: a plain compile, said only when debugging', async () => {
  const variants: [string, (path: string) => void][] = [
    ['missing', (path) => rmSync(path)],
    ['stale', (path) => writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify({ ...header(path), build: 'another-build' })}\n`), readFileSync(path).subarray(readFileSync(path).indexOf(10) + 1)]))],
    ['stale', (path) => writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify({ ...header(path), node: 'v99.0.0' })}\n`), readFileSync(path).subarray(readFileSync(path).indexOf(10) + 1)]))],
    ['rejected', (path) => writeFileSync(path, Buffer.concat([Buffer.from(`${JSON.stringify(header(path))}\n`), Buffer.alloc(4096, 7)]))],
  ];
  const world = await startWorld();
  try {
    for (const [n, [what, change]] of variants.entries()) {
      const bin = installed(change);
      const body = testData('incident.trigger.json').split('PT4KHLK').join(`PCACHE${n}`);
      const debugBody = testData('incident.trigger.json').split('PT4KHLK').join(`PCACHE${n}D`);
      const debug = await runWith(bin, ['--config', world.confPath, '--body', debugBody], world.dir, { MATTERMOST_INCIDENT_DEBUG: '1' });
      assert.equal(debug.code, 0, debug.stderr);
      assert.match(debug.stderr, new RegExp(`^debug: code cache ${what} \\(`, 'm'), what);
      const plain = await runWith(bin, ['--config', world.confPath, '--body', body], world.dir, {});
      assert.equal(plain.code, 0, plain.stderr);
      assert.equal(plain.stderr, '', 'silent without the debug variable');
      assert.match(plain.stdout, /created ~incident-pcache/);
    }
  } finally {
    await world.close();
  }
});

function runWith(bin: string, args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run demo` end to end (with --once so it exits after the flow). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ROOT } from './helpers/world';

test('the demo runs trigger, acknowledge and resolve and shows each step', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', join(ROOT, 'tests', 'demo', 'run-demo.ts'), '--once'], {
    cwd: ROOT,
    env: { ...process.env, DEMO_PAUSE_MS: '0' },
    timeout: 60_000,
  });
  assert.match(stdout, /=== trigger[\s\S]*members: ada, alice, bob, carol, incident-bot[\s\S]*Triggered/);
  assert.match(stdout, /=== acknowledge[\s\S]*header: +🟠 \*\*Acknowledged\*\*/);
  assert.match(stdout, /=== the team works the incident in its channel[\s\S]*Looking at the \*\*checkout DB\*\*[\s\S]*Replica lag/);
  assert.match(stdout, /=== resolve[\s\S]*has been resolved[\s\S]*members: incident-bot[\s\S]*Resolved/);
  assert.match(stdout, /Time to acknowledge: 2 min 30 s/);
  assert.match(stdout, /Messages: 3\n\s+Files shared: 1\n\s+Participants \(3\): Alice Tester \(1\), Bob Tester \(1\), Carol Tester \(1\)/);
});

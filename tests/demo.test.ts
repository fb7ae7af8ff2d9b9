/** `npm run demo` end to end: the story with --once, then the page it serves, clicked in real Chromium. */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { freePort } from './helpers/webhook-daemon';
import { ROOT } from './helpers/world';

const DEMO = join(ROOT, 'tests', 'demo', 'run-demo.ts');
const CHROMIUM = '/usr/bin/chromium';

function runOnce(env: Record<string, string> = {}) {
  return promisify(execFile)(process.execPath, ['-r', 'ts-node/register/transpile-only', DEMO, '--once'], { cwd: ROOT, env: { ...process.env, DEMO_PAUSE_MS: '0', ...env }, timeout: 60_000 });
}

test('the demo runs trigger, acknowledge and resolve and shows each step', async () => {
  const { stdout } = await runOnce();
  assert.match(stdout, /=== trigger[\s\S]*members: ada, alice, bob, carol, incident-bot[\s\S]*Triggered/);
  assert.match(stdout, /=== acknowledge[\s\S]*header: +🟠 \*\*Acknowledged\*\*/);
  assert.match(stdout, /=== the team works the incident in its channel[\s\S]*Looking at the \*\*checkout DB\*\*[\s\S]*Replica lag/);
  assert.match(stdout, /=== resolve[\s\S]*has been resolved[\s\S]*members: incident-bot[\s\S]*Resolved/);
  assert.match(stdout, /Time to acknowledge: 2 min 30 s/);
  assert.match(stdout, /Messages: 3\n\s+Files shared: 1\n\s+Participants \(3\): Alice Tester \(1\), Bob Tester \(1\), Carol Tester \(1\)/);
  assert.match(stdout, /=== a new incident triggers in PagerDuty, and stays open for you\n~incident-pq7x2kd[\s\S]*buttons: Acknowledge · Resolve · Escalate · Add note · Add responder · Status update · Create Jira issue/);
});

test('without the webhook daemon, the demo runs the same hooks with a stand-in', async () => {
  const { stdout } = await runOnce({ DEMO_STAND_IN: '1' });
  assert.match(stdout, /a stand-in serves the hooks of hooks\.json\.sample/);
  assert.match(stdout, /=== resolve[\s\S]*has been resolved/);
  assert.match(stdout, /~incident-pq7x2kd[\s\S]*buttons: Acknowledge/);
});

test("the demo's page: Ada presses Acknowledge on the open incident and the header changes", { skip: existsSync(CHROMIUM) ? false : 'chromium is not installed (apt-get install chromium)' }, async () => {
  const port = await freePort();
  const demo = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', DEMO], { cwd: ROOT, env: { ...process.env, DEMO_PAUSE_MS: '0', DEMO_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  demo.stdout.on('data', (d) => (output += d));
  demo.stderr.on('data', (d) => (output += d));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  try {
    for (let i = 0; i < 600 && !output.includes('Ctrl-C to stop'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(output, /Open http:\/\/127\.0\.0\.1:\d+\/ to see the team's channels/, output);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/?channel=incident-pq7x2kd`);
    assert.match(await page.locator('.header').innerText(), /Triggered/);
    await page.locator('.action-button', { hasText: 'Acknowledge' }).click();
    await page.waitForFunction(() => /Acknowledged by Ada Lovelace/.test((globalThis as any).document.querySelector('.header')?.innerText ?? ''), undefined, { timeout: 15_000 });
    assert.match(await page.locator('.post.ephemeral').last().innerText(), /You acknowledged incident PQ7X2KD in PagerDuty/);
  } finally {
    await browser.close();
    demo.kill('SIGINT');
    await new Promise((r) => demo.once('close', r));
  }
});

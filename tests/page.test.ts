/** The demo page in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { after, test } from 'node:test';
import { unzipSync } from 'fflate';
import { type Browser, chromium } from 'playwright-core';
import { teamWebApp } from './fake/page';
import { startChatopsWorld } from './helpers/chatops-world';
import { webhookInstalled } from './helpers/webhook-daemon';
import { type World, startWorld, testData } from './helpers/world';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : 'chromium is not installed (apt-get install chromium)';
let world: World | undefined;
let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  await world?.close();
});

async function launch(): Promise<Browser> {
  browser ??= await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return browser;
}

test('after a full flow with people talking, the page shows the channel, the figures, and the transcript downloads', { skip }, async () => {
  world = await startWorld();
  const w = world;
  w.fake.webApp = teamWebApp(w.fake, 'ops');
  for (const file of ['incident.trigger.json', 'incident.acknowledge.json']) assert.equal((await w.run([testData(file)])).code, 0);
  const channel = w.fake.channelByName('incident-pt4khlk')!;
  const root = w.fake.insertPost({ channel_id: channel.id, user_id: w.users.alice.id, message: 'Looking at the DB' });
  w.fake.insertPost({ channel_id: channel.id, user_id: w.users.bob.id, root_id: root.id, message: 'replica lag 40 s' });
  const file = w.fake.insertFile({ user_id: w.users.carol.id, channel_id: channel.id, name: 'graph.csv', bytes: Buffer.from('t,v\n1,2\n') });
  file.post_id = w.fake.insertPost({ channel_id: channel.id, user_id: w.users.carol.id, message: 'graph', file_ids: [file.id] }).id;
  assert.equal((await w.run([testData('incident.resolve.json')])).code, 0);

  const page = await (await launch()).newPage({ acceptDownloads: true });
  await page.goto(`${w.fake.url}/`);
  const incident = page.locator('section[data-name="incident-pt4khlk"]');
  assert.match(await incident.locator('h2').innerText(), /#1042 Checkout API latency above 2 s/);
  assert.match(await incident.locator('.header').innerText(), /Resolved/);
  // Rendered, not raw Markdown: the incident link is a real link.
  assert.equal(await incident.locator('.header a', { hasText: 'Incident #1042' }).getAttribute('href'), 'https://acme.pagerduty.com/incidents/PT4KHLK');
  assert.equal((await incident.locator('.member').allInnerTexts()).join(' '), '@incident-bot');
  const bar = await incident.locator('.attachment').first().evaluate((el) => (globalThis as any).getComputedStyle(el).borderLeftColor as string);
  assert.equal(bar, 'rgb(208, 2, 27)');
  assert.ok((await incident.locator('details summary', { hasText: /\d+ system messages/ }).count()) > 0, 'runs of system messages are collapsed');
  assert.ok(await page.locator('.sidebar-item[data-name="incident-pt4khlk"].active').isVisible(), 'the sidebar lists the channel');

  await page.locator('.sidebar-item[data-name="town-square"]').click();
  const announcement = page.locator('section[data-name="town-square"] .post').last();
  assert.match(await announcement.innerText(), /Incident #1042 \(PT4KHLK\) Checkout API latency above 2 s has been resolved/);
  const figure = async (title: string) => (await announcement.locator(`.field[data-title="${title}"] .field-value`).innerText()).trim();
  assert.equal(await figure('Time to acknowledge'), '2 min 30 s');
  assert.equal(await figure('Time to resolve'), '1 h');
  assert.equal(await figure('Participants (3)'), 'Alice Tester (1), Bob Tester (1), Carol Tester (1)');
  assert.equal(await figure('Messages'), '3');
  assert.equal(await figure('Files shared'), '1');

  const [download] = await Promise.all([page.waitForEvent('download'), announcement.locator('a.file').click()]);
  assert.equal(download.suggestedFilename(), 'incident-pt4khlk-transcript.zip');
  const zip = unzipSync(new Uint8Array(await readFile((await download.path())!)));
  assert.match(new TextDecoder().decode(zip['transcript.md']), /Looking at the DB[\s\S]*replica lag 40 s/);
  assert.ok(Object.keys(zip).some((name) => name.endsWith('-graph.csv')));
});

test('the page reloads when something changes, and only then, keeping the scroll position', { skip }, async () => {
  const w = world ?? (world = await startWorld());
  w.fake.webApp = teamWebApp(w.fake, 'ops');
  const page = await (await launch()).newPage();
  let loads = 0;
  page.on('load', () => loads++);
  await page.goto(`${w.fake.url}/?channel=town-square`);
  await page.waitForTimeout(2500);
  assert.equal(loads, 1, 'no reload while nothing changes');
  const town = w.fake.channelByName('town-square')!;
  const shows = (text: string) => page.waitForFunction((t) => (globalThis as any).document.body.innerText.includes(t), text, { timeout: 5000 });
  for (let i = 0; i < 40; i++) w.fake.insertPost({ channel_id: town.id, user_id: w.users.alice.id, message: `line ${i}` });
  await shows('line 39');
  await page.locator('main').evaluate((el) => (el.scrollTop = 120));
  await page.waitForTimeout(100);
  w.fake.insertPost({ channel_id: town.id, user_id: w.users.bob.id, message: 'a new message' });
  await shows('a new message');
  assert.ok(loads >= 3);
  assert.equal(await page.locator('main').evaluate((el) => el.scrollTop), 120);
});

test('the buttons work: Acknowledge changes the header, Add note opens a dialog whose note reaches the timeline', { skip: skip || (webhookInstalled() ? false : 'the webhook daemon is not installed (apt-get install webhook)') }, async () => {
  const w = await startChatopsWorld();
  try {
    assert.equal((await w.deliver(testData('incident.trigger.json'))).status, 200);
    w.fake.webApp = teamWebApp(w.fake, 'ops', w.users.alice.id);
    const page = await (await launch()).newPage();
    await page.goto(`${w.fake.url}/?channel=incident-pt4khlk`);
    const incident = page.locator('section[data-name="incident-pt4khlk"]');
    assert.match(await incident.locator('.header').innerText(), /Triggered/);
    await page.locator('.action-button', { hasText: 'Acknowledge' }).click();
    await page.waitForFunction(() => /Acknowledged by Alice Tester/.test((globalThis as any).document.querySelector('.header')?.innerText ?? ''), undefined, { timeout: 10_000 });
    assert.equal(await page.locator('.action-button', { hasText: 'Acknowledge' }).count(), 0, 'the button is gone once acknowledged');
    assert.match(await page.locator('.post.ephemeral').last().innerText(), /You acknowledged incident PT4KHLK in PagerDuty/);

    await page.locator('.action-button', { hasText: 'Add note' }).click();
    await page.locator('form.dialog textarea[name="text"]').fill('Failing over to the replica');
    await page.locator('form.dialog button[type="submit"]').click();
    await page.waitForFunction(() => ((globalThis as any).document.body.innerText as string).includes('Failing over to the replica'), undefined, { timeout: 10_000 });
    assert.equal(await page.locator('form.dialog').count(), 0, 'the dialog closed');
    assert.deepEqual(w.pd.notes.map((n) => n.content), ['Failing over to the replica']);
  } finally {
    await w.close();
  }
});

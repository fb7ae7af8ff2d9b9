/** The demo page, opened in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core). */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, test } from 'node:test';
import { chromium } from 'playwright-core';
import { renderTeamPage } from './fake/page';
import { type World, startWorld, testData } from './helpers/world';

const CHROMIUM = '/usr/bin/chromium';
let world: World | undefined;
after(async () => world?.close());

test('after a full flow the page shows the incident channel, its Resolved header and the announcement', { skip: existsSync(CHROMIUM) ? false : 'chromium is not installed' }, async () => {
  world = await startWorld();
  for (const file of ['incident.trigger.json', 'incident.acknowledge.json', 'incident.resolve.json']) assert.equal((await world.run([testData(file)])).code, 0);
  const w = world;
  w.fake.pageRenderer = (url) => (url.pathname === '/' ? renderTeamPage(w.fake, 'ops') : undefined);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`${w.fake.url}/`);
    const incident = page.locator('section[data-name="incident-pt4khlk"]');
    assert.match(await incident.locator('h2').innerText(), /#1042 Checkout API latency above 2 s/);
    const header = await incident.locator('.header').innerText();
    assert.match(header, /Resolved/);
    // Rendered, not raw Markdown: the incident link is a real link.
    assert.equal(await incident.locator('.header a', { hasText: 'Incident #1042' }).getAttribute('href'), 'https://acme.pagerduty.com/incidents/PT4KHLK');
    assert.equal((await incident.locator('.member').allInnerTexts()).join(' '), '@incident-bot');
    const bar = await incident.locator('.attachment').first().evaluate((el) => (globalThis as any).getComputedStyle(el).borderLeftColor as string);
    assert.equal(bar, 'rgb(208, 2, 27)');
    const townSquare = await page.locator('section[data-name="town-square"] .posts').innerText();
    assert.match(townSquare, /Incident #1042 \(PT4KHLK\) Checkout API latency above 2 s has been resolved/);
    assert.match(townSquare, /Resolution time: 1 h/);
  } finally {
    await browser.close();
  }
});

/**
 * The interactive API docs in a real browser (Debian's Chromium driven by playwright-core):
 * the page renders every operation from /openapi.json, and "Try it out" sends a real request
 * to the running server. Skipped, visibly, where Chromium is not installed.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { makeRunDir } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available) console.warn(`docs browser test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

const children = childrenKilledAfterEach();

describe.skipIf(!available)('/docs in a browser', { timeout: 120_000 }, () => {
  it('lists the operations and runs "Try it out" against the server', async () => {
    const dir = makeRunDir();
    writeFileSync(join(dir, 'demo.yaml'), 'name: docs-demo\njobs:\n  - { name: a, command: "true" }\n');
    const { api, cli } = await startTestServer(dir, children);
    const key = (await cli('workflow', 'create', 'demo.yaml')).trim();

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${api}/docs`);
      await page.waitForSelector('#operations-workflows-listWorkflows', { timeout: 30_000 });
      expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
      const op = page.locator('#operations-workflows-listWorkflows');
      await op.locator('.opblock-summary').first().click();
      await op.locator('button.execute').click();
      const responses = op.locator('.live-responses-table');
      await responses.locator('.response-col_status').nth(1).waitFor({ timeout: 15_000 });
      expect(await responses.locator('.response-col_status').nth(1).innerText()).toBe('200');
      expect(await responses.innerText()).toContain(key);
    } finally {
      await browser.close();
    }
  });
});

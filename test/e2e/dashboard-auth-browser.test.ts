/**
 * The web dashboard under auth (issue 15, item 3), in a real browser (Debian's Chromium
 * driven by playwright-core) against `jobgraph server --auth` and a real worker: an
 * anonymous visit to `/` ends on the login page; signing in with a user token comes back to
 * the dashboard, which lists that user's workflow and not another user's; the workflow's
 * live events arrive over SSE, authenticated by the login cookie alone.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_LAUNCH } from '../../src/cli/resource-plot.js';
import { makeRunDir, runCli, spawnCli } from './support/cli.js';
import { bootstrapAdminToken, childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const available = existsSync(CHROMIUM_LAUNCH.executablePath);
if (!available) console.warn(`dashboard auth browser test skipped: ${CHROMIUM_LAUNCH.executablePath} is not installed`);

const children = childrenKilledAfterEach();

// `wait` runs until the test creates ./go, so its completion happens while the page watches.
const ALICE_SPEC = `name: alice-flow
jobs:
  - { name: wait, command: "while [ ! -f go ]; do sleep 0.2; done; echo done" }
`;
const BOB_SPEC = 'name: bob-secret\njobs:\n  - { name: a, command: "true" }\n';

describe.skipIf(!available)('web dashboard under auth, in a browser', { timeout: 240_000 }, () => {
  it('sends an anonymous visitor to /login, then shows only the user’s workflow, live over SSE', async () => {
    const dir = makeRunDir();
    writeFileSync(join(dir, 'alice.yaml'), ALICE_SPEC);
    writeFileSync(join(dir, 'bob.yaml'), BOB_SPEC);
    const base = { XDG_CONFIG_HOME: dir, JOBGRAPH_TOKEN: '' };
    const admin = await bootstrapAdminToken(dir, base);
    const { api, env } = await startTestServer(dir, children, 'graph.sqlite', { args: ['--auth'] });
    const cliAs = async (token: string, ...args: string[]) => {
      const r = await runCli([...args, '--api', api], { cwd: dir, env: { ...env, ...base, JOBGRAPH_TOKEN: token } });
      if (r.code !== 0) throw new Error(`jobgraph ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    };
    const tokenFor = async (...args: string[]) =>
      (JSON.parse(await cliAs(admin, 'token', 'create', ...args, '--json')) as { token: string }).token;
    const alice = await tokenFor('--user', 'alice');
    const bob = await tokenFor('--user', 'bob');
    const key = (await cliAs(alice, 'workflow', 'create', 'alice.yaml')).trim();
    await cliAs(bob, 'workflow', 'create', 'bob.yaml');

    const browser = await chromium.launch(CHROMIUM_LAUNCH);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(String(err)));

      // Anonymous: the page loads (public), its first API call gets 401, and it leaves for /login.
      await page.goto(`${api}/#/wf/${key}`);
      await page.waitForURL(/\/login\?next=/, { timeout: 30_000 });
      expect(new URL(page.url()).searchParams.get('next')).toBe(`/#/wf/${key}`);
      expect(await page.locator('input#token').count()).toBe(1);

      // A wrong token stays on the login page with the reason.
      await page.fill('input#token', 'jg_not-a-token');
      await page.click('button[type=submit]');
      await page.locator('p.error[role=alert]').waitFor({ timeout: 15_000 });
      expect(new URL(page.url()).pathname).toBe('/login');

      // Alice's token: back to where she was going, her workflow's page, live.
      await page.fill('input#token', alice);
      await page.click('button[type=submit]');
      await page.waitForURL((url) => url.pathname === '/' && url.hash === `#/wf/${key}`, { timeout: 30_000 });
      await page.locator('#wf-header[data-status="created"]').waitFor({ timeout: 30_000 });
      const cookies = await page.context().cookies();
      expect(cookies.find((c) => c.name === 'jobgraph_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

      // The EventSource opens with the cookie alone (it cannot send headers).
      await page.locator('#stream-state[data-state="live"]').waitFor({ timeout: 30_000 });
      await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
      await cliAs(alice, 'workflow', 'start', key);
      const workerToken = await tokenFor('--user', 'alice', '--role', 'worker', '--workflow', key);
      const worker = spawnCli(['worker', 'start', '--api', api, '--workflow', key, '--cpus', '1', '--mem', '1g'], {
        cwd: dir,
        env: { ...env, ...base, JOBGRAPH_TOKEN: workerToken },
      });
      children.push(worker);
      const chip = page.locator('#jobs tr[data-name="wait"] .chip');
      await chip.filter({ hasText: 'running' }).waitFor({ timeout: 60_000 });
      writeFileSync(join(dir, 'go'), '');
      await page.locator('#events li[data-type="job_completed"]').waitFor({ timeout: 60_000 });
      await chip.filter({ hasText: 'completed' }).waitFor({ timeout: 60_000 });
      expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

      // The list: Alice's workflow, not Bob's.
      await page.goto(`${api}/`);
      await page.locator('#workflows tr', { hasText: 'alice-flow' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('#workflows').innerText()).not.toContain('bob-secret');
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

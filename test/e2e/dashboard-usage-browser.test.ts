/**
 * The job page's resource charts in a real browser (Debian's Chromium through playwright-core)
 * against a real `jobgraph server` and `worker start`: a job monitored with TimeSeries shows
 * its memory and CPU over time, drawn by Chart.js served from the API (no CDN). The screenshot
 * goes to test-artifacts/dashboard/job-usage.png (git-ignored).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM_LAUNCH } from '../../src/cli/resource-plot.js';
import { REPO, makeRunDir, runCli } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const available = existsSync(CHROMIUM_LAUNCH.executablePath);
const ARTIFACTS = join(REPO, 'test-artifacts', 'dashboard');
const children = childrenKilledAfterEach();

const SPEC = `name: dash-usage
resource_monitor: { granularity: TimeSeries, sample_interval_seconds: 0.2 }
jobs:
  - { name: alloc, command: "python3 -c \\"b = b'x' * (100 * 1000 * 1000); import time; time.sleep(2)\\"" }
`;

describe.skipIf(!available)('job page resource charts in a browser', { timeout: 240_000 }, () => {
  it("draws a monitored job's memory and CPU over time", async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const dir = makeRunDir();
    writeFileSync(join(dir, 'usage.yaml'), SPEC);
    const { api, env, cli } = await startTestServer(dir, children);
    const key = (await cli('workflow', 'create', 'usage.yaml')).trim();
    await cli('workflow', 'start', key);
    const worker = await runCli(['worker', 'start', '--api', api, '--workflow', key, '--cpus', '2', '--mem', '4g'], {
      cwd: dir,
      env,
    });
    expect(worker.code).toBe(0);
    const jobs = JSON.parse(await cli('workflow', 'jobs', key, '--json')) as Array<{
      name: string;
      key?: string;
      _key?: string;
    }>;
    const job = jobs.find((j) => j.name === 'alloc')!;
    const jobKey = job.key ?? job._key;

    const browser = await chromium.launch(CHROMIUM_LAUNCH);
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(String(err)));
      await page.goto(`${api}/#/wf/${key}/job/${jobKey}`);
      await page.locator('.usage-charts canvas').first().waitFor({ timeout: 30_000 });
      // Chart.js holds each chart: the memory line reaches the ~100 MB the job allocated.
      const drawn = await page.evaluate(() =>
        [...document.querySelectorAll('.usage-charts canvas')].map((c) => {
          const chart = (
            globalThis as unknown as {
              Chart: { getChart(c: Element): { data: { datasets: Array<{ data: unknown }> } } };
            }
          ).Chart.getChart(c);
          const data = chart.data.datasets[0]!.data as Array<{ y: number }>;
          return { line: c.getAttribute('data-line'), points: data.length, max: Math.max(...data.map((p) => p.y)) };
        }),
      );
      expect(drawn.map((d) => d.line)).toEqual(['memory (MiB)', 'CPU (%)']);
      expect(drawn[0]!.points).toBeGreaterThan(3);
      expect(drawn[0]!.max).toBeGreaterThan(90); // MiB: 100 MB is ~95 MiB
      expect(drawn[0]!.max).toBeLessThan(130);
      await page.screenshot({ path: join(ARTIFACTS, 'job-usage.png'), fullPage: true });
      expect(pageErrors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/**
 * The resource plots in a real browser (Debian's Chromium driven by playwright-core): the HTML
 * report opens from a file with the network off (Chart.js is inline), draws every chart, and is
 * screenshotted into test-artifacts/ (git-ignored); the PNG export renders the same page.
 * Skipped, visibly, where Chromium is not installed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { JobUsage } from '../../src/cli/resource-data.js';
import { CHROMIUM_LAUNCH, plotHtml, renderPng } from '../../src/cli/resource-plot.js';

const available = existsSync(CHROMIUM_LAUNCH.executablePath);
if (!available) console.warn(`resource plot test skipped: ${CHROMIUM_LAUNCH.executablePath} is not installed`);
const ARTIFACTS = join(import.meta.dirname, '..', '..', 'test-artifacts');
const MIB = 1024 ** 2;

/** Three jobs on two nodes: one sampled as a time series, two as summaries. */
function sampleJobs(): JobUsage[] {
  const t0 = Date.parse('2026-11-30T12:00:00Z');
  const series = Array.from({ length: 30 }, (_, i) => ({
    t_s: i,
    memory_bytes: (100 + i * 10) * MIB,
    cpu_percent: i % 2 ? 95 : 60,
  }));
  const job = (name: string, node: string, start: number, seconds: number, extra: Partial<JobUsage['usage']>) => ({
    job: name,
    name,
    requirement: 'default',
    attempt: 1,
    status: 'completed',
    exec_time_s: seconds,
    start_ms: t0 + start * 1000,
    end_ms: t0 + (start + seconds) * 1000,
    compute_node: node,
    usage: {
      samples: 10,
      requested: { num_cpus: 1, memory_bytes: 1024 * MIB, num_gpus: 0 },
      peak_memory_bytes: 300 * MIB,
      avg_memory_bytes: 200 * MIB,
      peak_cpu_percent: 100,
      avg_cpu_percent: 80,
      cpu_time_s: seconds * 0.8,
      ...extra,
    },
  });
  return [
    job('series', 'node-a', 0, 30, { samples: 30, time_series: series, peak_memory_bytes: 390 * MIB }),
    job('summary1', 'node-a', 10, 15, { peak_memory_bytes: 700 * MIB }),
    job('summary2', 'node-b', 5, 20, { avg_cpu_percent: 180 }),
  ];
}

describe.skipIf(!available)('resource plots in a browser', { timeout: 120_000 }, () => {
  it('opens offline from a file, draws every chart, and is screenshotted', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'resources-sample.html');
    writeFileSync(file, plotHtml('wf-sample', sampleJobs()));
    const browser = await chromium.launch(CHROMIUM_LAUNCH);
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const failed: string[] = [];
      page.on('requestfailed', (r) => failed.push(r.url()));
      page.on('pageerror', (e) => failed.push(e.message));
      await page.goto(pathToFileURL(file).href);
      await page.waitForFunction(() => (window as unknown as { jobgraphChartsReady?: boolean }).jobgraphChartsReady);
      // Each canvas has drawn something: count its non-blank pixels.
      const painted = await page.evaluate(() =>
        [...document.querySelectorAll('canvas')].map((c) => {
          const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
          return n;
        }),
      );
      expect(painted).toHaveLength(5);
      for (const n of painted) expect(n).toBeGreaterThan(2000);
      expect(failed).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'resources-sample.png'), fullPage: true });
      expect(readFileSync(join(ARTIFACTS, 'resources-sample.png')).length).toBeGreaterThan(20_000);
    } finally {
      await browser.close();
    }
  });

  it('exports a PNG', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const out = join(ARTIFACTS, 'resources-export.png');
    await renderPng(plotHtml('wf-sample', sampleJobs()), out);
    const png = readFileSync(out);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    // 1200 px wide, taller than the viewport: five charts of 320 px.
    expect(png.readUInt32BE(16)).toBe(1200);
    expect(png.readUInt32BE(20)).toBeGreaterThan(1600);
  });
});

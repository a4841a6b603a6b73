/**
 * `jobgraph workflow plot KEY --out FILE.html|.png`: per-job memory and CPU over time, each
 * compute node's use over the workflow, and requested versus peak memory per job. The HTML
 * carries Chart.js's UMD build inline, so it opens offline; the PNG is that page rendered by
 * Chromium (playwright-core).
 *
 * A job monitored in TimeSeries granularity is drawn from its samples; one in Summary
 * granularity as a flat line at its peak memory and average CPU over its run. Node use adds
 * each job's average CPU and peak memory over its run (an upper bound for memory).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { JobUsage } from './resource-data.js';

/** Jobs drawn one by one in the time charts; the rest (smallest peaks) only count in node use. */
const MAX_JOB_LINES = 40;
const MIB = 1024 ** 2;

interface Point {
  x: number;
  y: number;
}

/** Chart.js's UMD build, read from the installed package. */
export function chartJsSource(): string {
  const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
  const file = ['chart.umd.min.js', 'chart.umd.js'].map((f) => join(dist, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`no Chart.js UMD build in ${dist}`);
  return readFileSync(file, 'utf8');
}

/** Per-job lines: memory (MiB) and CPU (cores) over seconds since the first job started. */
function jobLines(jobs: readonly JobUsage[], origin: number) {
  const drawn = [...jobs]
    .filter((j) => j.usage && j.usage.samples > 0)
    .sort((a, b) => (b.usage!.peak_memory_bytes ?? 0) - (a.usage!.peak_memory_bytes ?? 0))
    .slice(0, MAX_JOB_LINES);
  return drawn.map((j) => {
    const u = j.usage!;
    const t0 = (j.start_ms - origin) / 1000;
    const memory: Point[] = u.time_series
      ? u.time_series.map((s) => ({ x: t0 + s.t_s, y: s.memory_bytes / MIB }))
      : flat(t0, j.exec_time_s, (u.peak_memory_bytes ?? 0) / MIB);
    const cpu: Point[] = u.time_series
      ? u.time_series.map((s) => ({ x: t0 + s.t_s, y: s.cpu_percent / 100 }))
      : flat(t0, j.exec_time_s, (u.avg_cpu_percent ?? 0) / 100);
    return { label: j.name, memory, cpu };
  });
}

function flat(t0: number, duration: number, y: number): Point[] {
  return [
    { x: t0, y },
    { x: t0 + duration, y },
  ];
}

/** Each compute node's CPU (cores) and memory (MiB) over time: a step function of its jobs' runs. */
function nodeUse(jobs: readonly JobUsage[], origin: number) {
  const byNode = new Map<string, JobUsage[]>();
  for (const j of jobs) if (j.usage?.samples) byNode.set(j.compute_node, [...(byNode.get(j.compute_node) ?? []), j]);
  return [...byNode.entries()].map(([node, members]) => {
    const edges = members.flatMap((j) => [
      {
        t: (j.start_ms - origin) / 1000,
        cpu: (j.usage!.avg_cpu_percent ?? 0) / 100,
        mem: j.usage!.peak_memory_bytes ?? 0,
      },
      {
        t: (j.end_ms - origin) / 1000,
        cpu: -((j.usage!.avg_cpu_percent ?? 0) / 100),
        mem: -(j.usage!.peak_memory_bytes ?? 0),
      },
    ]);
    edges.sort((a, b) => a.t - b.t);
    let cpu = 0;
    let mem = 0;
    const cpuPoints: Point[] = [];
    const memPoints: Point[] = [];
    for (const e of edges) {
      cpuPoints.push({ x: e.t, y: cpu });
      memPoints.push({ x: e.t, y: mem / MIB });
      cpu = Math.max(0, cpu + e.cpu);
      mem = Math.max(0, mem + e.mem);
      cpuPoints.push({ x: e.t, y: round(cpu) });
      memPoints.push({ x: e.t, y: round(mem / MIB) });
    }
    return { label: node, cpu: cpuPoints, memory: memPoints };
  });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** What the page draws, as JSON. */
export function plotData(workflow: string, jobs: readonly JobUsage[]) {
  const origin = Math.min(...jobs.map((j) => j.start_ms), Date.now());
  return {
    workflow,
    jobs: jobLines(jobs, origin),
    nodes: nodeUse(jobs, origin),
    requested: jobs
      .filter((j) => j.usage?.requested)
      .slice(0, 200)
      .map((j) => ({
        label: j.name,
        requested: j.usage!.requested!.memory_bytes / MIB,
        peak: (j.usage!.peak_memory_bytes ?? 0) / MIB,
      })),
  };
}

/** Draws the charts, then sets `window.jobgraphChartsReady` (the PNG export waits for it). */
const PAGE_SCRIPT = `
const data = JSON.parse(document.getElementById('data').textContent);
Chart.defaults.animation = false;
Chart.defaults.maintainAspectRatio = false;
const line = (id, title, yTitle, series, key) => new Chart(document.getElementById(id), {
  type: 'line',
  data: { datasets: series.map((s) => ({ label: s.label, data: s[key], pointRadius: 0, borderWidth: 1.5 })) },
  options: {
    parsing: false,
    plugins: { title: { display: true, text: title }, legend: { display: series.length <= 12 } },
    scales: { x: { type: 'linear', title: { display: true, text: 'seconds since the first job started' } },
              y: { beginAtZero: true, title: { display: true, text: yTitle } } },
  },
});
line('job-memory', 'Memory per job', 'MiB', data.jobs, 'memory');
line('job-cpu', 'CPU per job', 'cores', data.jobs, 'cpu');
line('node-cpu', 'CPU per compute node (jobs\\' averages)', 'cores', data.nodes, 'cpu');
line('node-memory', 'Memory per compute node (jobs\\' peaks)', 'MiB', data.nodes, 'memory');
new Chart(document.getElementById('requested'), {
  type: 'bar',
  data: { labels: data.requested.map((r) => r.label),
          datasets: [{ label: 'requested', data: data.requested.map((r) => r.requested) },
                     { label: 'peak used', data: data.requested.map((r) => r.peak) }] },
  options: { plugins: { title: { display: true, text: 'Memory requested versus peak used (MiB)' } } },
});
window.jobgraphChartsReady = true;
`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The self-contained HTML report of `jobs` (from resource-data.ts). */
export function plotHtml(workflow: string, jobs: readonly JobUsage[], chartJs: string = chartJsSource()): string {
  // JSON inside <script> must not close it: '<' is escaped.
  const json = JSON.stringify(plotData(workflow, jobs)).replace(/</g, '\\u003c');
  const canvas = (id: string) => `<div class="chart"><canvas id="${id}"></canvas></div>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>jobgraph resources: ${escapeHtml(workflow)}</title>
<style>body{font-family:sans-serif;margin:16px;background:#fff}.chart{position:relative;height:320px;margin-bottom:24px}</style>
</head><body>
<h1>Resources of workflow ${escapeHtml(workflow)}</h1>
<p>${jobs.length} jobs with results; the last attempt of each is shown.</p>
${['job-memory', 'job-cpu', 'node-cpu', 'node-memory', 'requested'].map(canvas).join('\n')}
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="data">${json}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}

/** Chromium's launch for the PNG export: no sandbox (containers), nothing fetched. */
export const CHROMIUM_LAUNCH = {
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
};

/** Render `html` in Chromium and save a full-page PNG to `out`. */
export async function renderPng(html: string, out: string, launch = CHROMIUM_LAUNCH): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch(launch);
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.setContent(html, { waitUntil: 'load' });
    await page.waitForFunction(
      () => (window as unknown as { jobgraphChartsReady?: boolean }).jobgraphChartsReady === true,
      undefined,
      {
        timeout: 30_000,
      },
    );
    await page.screenshot({ path: out, fullPage: true });
  } finally {
    await browser.close();
  }
}

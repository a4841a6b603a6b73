/**
 * An attempt's resource use as charts on the job page: memory and CPU over the attempt (and
 * GPU memory and utilisation when recorded), drawn with Chart.js (served from its npm package
 * as /ui/vendor/chart.umd.min.js, which defines `Chart`). With TimeSeries monitoring the
 * samples are drawn; with Summary only, a flat line at the peak memory and the average CPU over
 * the attempt's duration — as `jobgraph workflow plot` draws it (src/cli/resource-plot.ts).
 */
import { h } from './dom.js';

const MIB = 1024 ** 2;

/** The lines of one attempt's `resource_usage`: [{ label, unit, points: [{x, y}] }]. */
export function usageLines(usage, execTimeS) {
  const series = usage.time_series;
  if (series?.length) {
    const lines = [
      { label: 'memory (MiB)', points: series.map((s) => ({ x: s.t_s, y: s.memory_bytes / MIB })) },
      { label: 'CPU (%)', points: series.map((s) => ({ x: s.t_s, y: s.cpu_percent })) },
    ];
    if (series.some((s) => s.gpu_memory_bytes !== undefined))
      lines.push({
        label: 'GPU memory (MiB)',
        points: series.map((s) => ({ x: s.t_s, y: (s.gpu_memory_bytes ?? 0) / MIB })),
      });
    if (series.some((s) => s.gpu_percent !== undefined))
      lines.push({ label: 'GPU (%)', points: series.map((s) => ({ x: s.t_s, y: s.gpu_percent ?? 0 })) });
    return lines;
  }
  if (!usage.samples) return [];
  const flat = (y) => [
    { x: 0, y },
    { x: execTimeS ?? 0, y },
  ];
  const lines = [
    { label: 'peak memory (MiB)', points: flat((usage.peak_memory_bytes ?? 0) / MIB) },
    { label: 'average CPU (%)', points: flat(usage.avg_cpu_percent ?? 0) },
  ];
  if (usage.peak_gpu_memory_bytes !== undefined)
    lines.push({ label: 'peak GPU memory (MiB)', points: flat(usage.peak_gpu_memory_bytes / MIB) });
  if (usage.avg_gpu_utilization_percent !== undefined)
    lines.push({ label: 'average GPU (%)', points: flat(usage.avg_gpu_utilization_percent) });
  return lines;
}

/** A block of charts (one per line, each with its own scale), or null when nothing was sampled. */
export function usageCharts(result) {
  const usage = result.resource_usage;
  const lines = usage ? usageLines(usage, result.exec_time_s) : [];
  if (lines.length === 0 || !globalThis.Chart) return null;
  const block = h('div', { class: 'usage-charts', 'data-attempt': String(result.attempt) });
  for (const line of lines) {
    const canvas = h('canvas', { 'data-line': line.label });
    block.append(h('div', { class: 'usage-chart' }, canvas));
    new globalThis.Chart(canvas, {
      type: 'line',
      data: { datasets: [{ label: line.label, data: line.points, pointRadius: 0, borderWidth: 2 }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: 'seconds' } }, y: { beginAtZero: true } },
      },
    });
  }
  return block;
}

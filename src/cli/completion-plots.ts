/**
 * `resource_monitor.generate_plots` (torc's field): when a workflow asks for it, the HTML plot
 * report (resource-plot.ts, the same as `jobgraph workflow plot KEY --out FILE.html`) is
 * written once the workflow is over, to `<logDir>/<workflow>/resource-plots.html` — beside
 * the jobs' own logs, where a torc user looks for the output of a run.
 *
 * Written by whatever ran the workflow to its end on this machine: `jobgraph run`, and
 * `jobgraph worker start --workflow KEY` when the workflow is over as it exits. Several
 * workers of one workflow (a Slurm allocation) each write it: the file is written aside and
 * renamed into place, so a reader never sees half of one, and the last complete one stays.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../core/logger.js';
import { ResourceMonitorSettingsSchema } from '../core/schemas/resource-usage.js';
import { isWorkflowOver } from '../worker/worker.js';
import type { WorkflowStatusResponse } from '../core/schemas/worker-protocol.js';
import type { ApiCall } from './api-client-flags.js';
import { fetchJobUsage } from './resource-data.js';
import { plotHtml } from './resource-plot.js';

/** The report's file name in the workflow's log directory. */
export const COMPLETION_PLOT_FILE = 'resource-plots.html';

/** Where the report of `workflow` goes under `logDir`. */
export function completionPlotPath(logDir: string, workflow: string): string {
  return join(logDir, workflow, COMPLETION_PLOT_FILE);
}

/**
 * Write the plot report of `workflow` if its `resource_monitor.generate_plots` is true; the
 * path written, or undefined when the workflow did not ask for one.
 */
export async function writeCompletionPlots(
  call: ApiCall,
  workflow: string,
  logDir: string,
): Promise<string | undefined> {
  const doc = await call<{ resource_monitor?: unknown }>('GET', `/workflows/${encodeURIComponent(workflow)}`);
  // The API validated the field on the way in; a document from elsewhere just asks for nothing.
  const settings = ResourceMonitorSettingsSchema.safeParse(doc.resource_monitor ?? {});
  if (!settings.success || settings.data.generate_plots !== true) return undefined;
  const html = plotHtml(workflow, await fetchJobUsage(call, workflow));
  const path = completionPlotPath(logDir, workflow);
  await mkdir(join(logDir, workflow), { recursive: true });
  const aside = `${path}.${process.pid}.tmp`;
  await writeFile(aside, html);
  await rename(aside, path);
  return path;
}

/**
 * After `worker start --workflow KEY` has ended: write the report if the workflow is over (the
 * worker may also have ended on a stop or when idle) and asked for one. A failure is a warning:
 * the jobs' outcome stands whatever happens to their plot.
 */
export async function plotIfWorkflowOver(call: ApiCall, workflow: string, logDir: string, log: Logger): Promise<void> {
  try {
    const status = await call<WorkflowStatusResponse>('GET', `/workflows/${encodeURIComponent(workflow)}/status`);
    if (!isWorkflowOver(status)) return;
    const path = await writeCompletionPlots(call, workflow, logDir);
    if (path) log.info({ path }, 'wrote the resource plots');
  } catch (err) {
    log.warn({ err }, 'could not write the resource plots (generate_plots)');
  }
}

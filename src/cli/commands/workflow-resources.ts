/**
 * `jobgraph workflow resources KEY` (requested versus used, with suggestions) and
 * `jobgraph workflow plot KEY --out FILE.html|.png` (charts of what the jobs used).
 */
import { writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { clientFor, emit, withClientFlags, type ClientFlags } from '../api-client-flags.js';
import { formatTable } from '../print-table.js';
import { fetchJobUsage } from '../resource-data.js';
import { REPORT_HEADERS, reportCells, resourceReport } from '../resource-report.js';

function plotFile(value: string): string {
  if (!['.html', '.png'].includes(extname(value).toLowerCase()))
    throw new InvalidArgumentError(`"${value}" must end in .html or .png`);
  return value;
}

export function addWorkflowResourceCommands(wf: Command): void {
  withClientFlags(
    wf
      .command('resources <key>')
      .description('requested versus used memory and CPU, per job and per resource requirement, with suggestions'),
  ).action(async (key: string, flags: ClientFlags) => {
    const report = resourceReport(await fetchJobUsage(clientFor(flags), key));
    emit(flags, report, () =>
      report.jobs.length === 0
        ? `workflow ${key}: no results yet\n`
        : `per resource requirement\n${formatTable(REPORT_HEADERS, report.requirements.map(reportCells))}\n` +
          `per job (last attempt)\n${formatTable(REPORT_HEADERS, report.jobs.map(reportCells))}`,
    );
  });

  withClientFlags(wf.command('plot <key>').description('charts of per-job and per-node memory and CPU'))
    .requiredOption('--out <file>', 'FILE.html (opens offline) or FILE.png (rendered by Chromium)', plotFile)
    .action(async (key: string, flags: ClientFlags & { out: string }) => {
      const { plotHtml, renderPng } = await import('../resource-plot.js');
      const html = plotHtml(key, await fetchJobUsage(clientFor(flags), key));
      if (extname(flags.out).toLowerCase() === '.png') await renderPng(html, flags.out);
      else await writeFile(flags.out, html);
      emit(flags, { out: flags.out }, () => `wrote ${flags.out}\n`);
    });
}

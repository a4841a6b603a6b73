/** `jobgraph allocations KEY`: what a workflow asked for from its providers, and what each gave. */
import { Command } from 'commander';
import type { AllocationDoc, BaseDoc, EdgeDoc } from '../../core/model.js';
import { buildAllocationReport } from '../allocation-report.js';
import { clientFor, listAll, withClientFlags, type ClientFlags } from '../api-client-flags.js';
import { formatTable } from '../print-table.js';

function duration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

export function allocationsCommand(): Command {
  return withClientFlags(
    new Command('allocations')
      .argument('<workflow>', 'workflow key')
      .description(
        'list the allocations of a workflow: state, instance type and market (cloud), nodes, jobs run, time used, cost',
      ),
  ).action(async (workflow: string, flags: ClientFlags) => {
    const call = clientFor(flags);
    const base = `/workflows/${encodeURIComponent(workflow)}`;
    const [allocations, nodes, executed] = await Promise.all([
      listAll<AllocationDoc>(call, `${base}/allocations`),
      listAll<BaseDoc>(call, `${base}/compute_nodes`),
      listAll<EdgeDoc>(call, `${base}/edges/executed`),
    ]);
    const report = buildAllocationReport(allocations, nodes, executed);
    if (flags.json) {
      process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      return;
    }
    const money = (v: number | undefined) => (v === undefined ? '-' : `$${v.toFixed(2)}`);
    const table = formatTable(
      ['allocation', 'scheduler', 'id', 'type', 'state', 'nodes', 'jobs', 'time', 'cost'],
      report.allocations.map((r) => [
        r.allocation,
        r.scheduler,
        r.provider_id ?? '-',
        [r.instance_types?.join(','), r.market].filter(Boolean).join(' ') || '-',
        r.reason ? `${r.state} (${r.reason})` : r.state,
        r.node_names.length ? r.node_names.join(',') : String(r.nodes),
        r.jobs_run,
        duration(r.seconds),
        money(r.cost),
      ]),
    );
    const failed = report.allocations.filter((r) => r.reason === 'failed' && r.message);
    const unpriced = report.allocations.filter((r) => r.cost_note);
    process.stdout.write(
      table +
        failed.map((r) => `${r.allocation}: ${r.message}\n`).join('') +
        unpriced.map((r) => `${r.allocation}: cost unknown: ${r.cost_note}\n`).join('') +
        `${report.total.allocations} allocations, ${report.total.jobs_run} jobs run, ` +
        `${duration(report.total.seconds)} of node time, cost ${money(report.total.cost)}` +
        (report.total.unpriced > 0 ? ` (at least: ${report.total.unpriced} without a price)\n` : '\n'),
    );
  });
}

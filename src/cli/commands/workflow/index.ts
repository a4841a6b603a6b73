/**
 * `jobgraph workflow create|start|status|list|jobs|results` (and, from their own files,
 * submit|watch|events|delete|cancel|restart|resources|plot): talk to a running API
 * (`--api URL` or JOBGRAPH_API), or to a local store without one (`--db`, or a finished
 * `run`'s `./.jobgraph/`: api-client-flags.ts). Each prints a table, or JSON with `--json`.
 * A workflow is named by key, or by name when no other workflow has it; jobs by name or key.
 */
import { Command } from 'commander';
import {
  clientFor as client,
  emit,
  listAll as allItems,
  withClientFlags,
  type ClientFlags,
} from '../../api-client-flags.js';
import { addWorkflowCancelCommand } from '../cancel.js';
import { addWorkflowRestartCommand } from '../restart.js';
import { addWorkflowDeleteCommand } from './delete.js';
import { addWorkflowEventsCommand } from './events.js';
import { addWorkflowSubmitCommand } from './submit.js';
import { addWorkflowWatchCommand } from './watch.js';
import { addWorkflowResourceCommands } from '../workflow-resources.js';
import { formatTable } from '../../print-table.js';
import { formatDuration, formatJobTable, jobRows, resultRows } from '../../job-rows.js';
import { plural } from '../../../core/plural.js';
import { newestFirst, workflowFacts } from '../../workflow-facts.js';
import { positiveIntFlag } from '../../flags.js';
import { printSpecWarnings } from '../../spec-warnings.js';
import { waitingLine } from '../../watch-progress.js';
import type { WorkflowStatusAnswer } from '../../watch-workflow.js';

type Doc = Record<string, unknown> & { _key: string };

export function workflowCommand(): Command {
  const wf = new Command('workflow').description('create, start and inspect workflows through the API');

  withClientFlags(wf.command('create <spec>').description('create a workflow from a YAML, JSON, JSON5 or KDL spec'))
    .option('--dry-run', 'validate and expand here, print jobs, files, edges and the execution plan; send nothing')
    .action(async (spec: string, flags: ClientFlags & { dryRun?: boolean }) => {
      if (flags.dryRun) {
        const [{ readSpecFile }, { printDryRun }] = await Promise.all([
          import('../../read-spec-file.js'),
          import('../../dry-run-report.js'),
        ]);
        const { bundle, warnings } = await readSpecFile(spec);
        printSpecWarnings(warnings);
        printDryRun(bundle, flags.json === true, warnings);
        return;
      }
      // Loaded on use: the spec parsers are most of what `jobgraph --help` would load.
      const { loadSpecFile } = await import('../../../workflow-spec/index.js');
      const body = await loadSpecFile(spec);
      const doc = await client(flags)<Doc>('POST', '/workflows', body);
      printSpecWarnings(doc.warnings); // --json prints them in the document too
      emit(flags, doc, () => `${doc._key}\n`);
    });

  withClientFlags(wf.command('start <key>').description('initialize dependencies and let the scheduler run it'))
    .option(
      '--auto-scale',
      "get compute automatically: allocations of the workflow's schedulers while work waits (a provisioner must run)",
    )
    .option('--max-allocations <n>', 'with --auto-scale: most allocations per scheduler at once', positiveIntFlag)
    .action(async (key: string, flags: ClientFlags & { autoScale?: boolean; maxAllocations?: number }) => {
      const body = flags.autoScale
        ? { auto_scale: true, ...(flags.maxAllocations !== undefined && { max_allocations: flags.maxAllocations }) }
        : undefined;
      const out = await client(flags)<Record<string, unknown>>(
        'POST',
        `/workflows/${encodeURIComponent(key)}/start`,
        body,
      );
      emit(
        flags,
        out,
        () =>
          `started ${key}: ${out.ready ?? '?'} ready, ${out.blocked ?? '?'} blocked` +
          (flags.autoScale ? ', auto-scaling\n' : '\n'),
      );
    });

  withClientFlags(wf.command('status <key>').description('job counts per state and the overall state')).action(
    async (key: string, flags: ClientFlags) => {
      const s = await client(flags)<WorkflowStatusAnswer>('GET', `/workflows/${encodeURIComponent(key)}/status`);
      emit(flags, s, () => {
        const rows = Object.entries(s.counts).filter(([, n]) => n > 0);
        return (
          `workflow ${key}: ${s.status} (${plural(s.total, 'job')})\n` +
          formatTable(['state', 'jobs'], rows) +
          (s.waiting ?? []).map((w) => `${waitingLine(w)}\n`).join('')
        );
      });
    },
  );

  withClientFlags(wf.command('list').description('all workflows, newest first')).action(async (flags: ClientFlags) => {
    const items = newestFirst(await allItems<Doc>(client(flags), '/workflows'));
    emit(flags, items, () =>
      formatTable(
        ['key', 'name', 'status', 'created'],
        items.map((w) => [w._key, w.name as string, w.status as string, w.created_at as string]),
      ),
    );
  });

  withClientFlags(wf.command('jobs <workflow>').description("the workflow's jobs: why each ended as it did"))
    .option('--status <state>', 'only jobs in this state')
    .action(async (ref: string, flags: ClientFlags & { status?: string }) => {
      const call = client(flags);
      const facts = await workflowFacts(call, ref);
      const rows = jobRows(facts.jobs, facts.results, facts.nodes).filter(
        (j) => !flags.status || j.status === flags.status,
      );
      emit(flags, rows, () => formatJobTable(rows));
    });

  withClientFlags(
    wf.command('results <workflow>').description('one result per job attempt, with its log files'),
  ).action(async (ref: string, flags: ClientFlags) => {
    const facts = await workflowFacts(client(flags), ref);
    const rows = resultRows(facts.results, facts.jobs, facts.nodes);
    emit(flags, rows, () =>
      formatTable(
        ['job', 'attempt', 'status', 'return_code', 'node', 'duration', 'completed', 'reason', 'stderr'],
        rows.map((r) => [
          r.job,
          r.attempt,
          r.status,
          r.return_code,
          r.node ?? '-',
          formatDuration(r.duration_s),
          r.completed,
          r.reason ?? '',
          r.stderr_path ?? '',
        ]),
      ),
    );
  });
  addWorkflowCancelCommand(wf);
  addWorkflowRestartCommand(wf);
  addWorkflowSubmitCommand(wf);
  addWorkflowWatchCommand(wf);
  addWorkflowEventsCommand(wf);
  addWorkflowDeleteCommand(wf);
  addWorkflowResourceCommands(wf);
  return wf;
}

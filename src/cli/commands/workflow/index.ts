/**
 * `jobgraph workflow create|start|status|list|jobs|results`: talk to a running API
 * (`--api URL` or JOBGRAPH_API). Each prints a table, or JSON with `--json`.
 */
import { Command } from 'commander';
import { loadSpecFile } from '../../../workflow-spec/index.js';
import {
  clientFor as client,
  emit,
  listAll as allItems,
  withClientFlags,
  type ClientFlags,
} from '../../api-client-flags.js';
import { addWorkflowCancelCommand } from '../cancel.js';
import { addWorkflowRestartCommand } from '../restart.js';
import { formatTable } from '../../print-table.js';
import { positiveIntFlag } from '../../flags.js';

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
        printDryRun(await readSpecFile(spec), flags.json === true);
        return;
      }
      const body = await loadSpecFile(spec);
      const doc = await client(flags)<Doc>('POST', '/workflows', body);
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
      const s = await client(flags)<{ status: string; counts: Record<string, number>; total: number }>(
        'GET',
        `/workflows/${encodeURIComponent(key)}/status`,
      );
      emit(flags, s, () => {
        const rows = Object.entries(s.counts).filter(([, n]) => n > 0);
        return `workflow ${key}: ${s.status} (${s.total} jobs)\n` + formatTable(['state', 'jobs'], rows);
      });
    },
  );

  withClientFlags(wf.command('list').description('all workflows')).action(async (flags: ClientFlags) => {
    const items = await allItems<Doc>(client(flags), '/workflows');
    emit(flags, items, () =>
      formatTable(
        ['key', 'name', 'status', 'created'],
        items.map((w) => [w._key, w.name as string, w.status as string, w.created_at as string]),
      ),
    );
  });

  withClientFlags(wf.command('jobs <key>').description("the workflow's jobs"))
    .option('--status <state>', 'only jobs in this state')
    .action(async (key: string, flags: ClientFlags & { status?: string }) => {
      const filter = flags.status ? `?status=${encodeURIComponent(flags.status)}` : '';
      const items = await allItems<Doc>(client(flags), `/workflows/${encodeURIComponent(key)}/jobs${filter}`);
      emit(flags, items, () =>
        formatTable(
          ['key', 'name', 'status', 'attempt', 'command'],
          items.map((j) => [j._key, j.name as string, j.status as string, j.attempt as number, j.command as string]),
        ),
      );
    });

  withClientFlags(wf.command('results <key>').description('one result per job attempt')).action(
    async (key: string, flags: ClientFlags) => {
      const items = await allItems<Doc>(client(flags), `/workflows/${encodeURIComponent(key)}/results`);
      emit(flags, items, () =>
        formatTable(
          ['job', 'attempt', 'status', 'return_code', 'exec_time_s', 'completed'],
          items.map((r) => [
            r.job as string,
            r.attempt as number,
            r.status as string,
            r.return_code as number,
            (r.exec_time_s as number)?.toFixed(3),
            r.completion_time as string,
          ]),
        ),
      );
    },
  );
  addWorkflowCancelCommand(wf);
  addWorkflowRestartCommand(wf);
  return wf;
}

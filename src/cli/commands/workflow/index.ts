/**
 * `jobgraph workflow create|start|status|list|jobs|results`: talk to a running API
 * (`--api URL` or JOBGRAPH_API). Each prints a table, or JSON with `--json`.
 */
import { Command } from 'commander';
import { loadConfig } from '../../../core/config.js';
import { loadSpecFile } from '../../../spec/index.js';
import { apiRequest } from '../../api-request.js';
import { addWorkflowCancelCommand } from '../cancel.js';
import { addWorkflowRestartCommand } from '../restart.js';
import { formatTable } from '../../print-table.js';

interface ClientFlags {
  api?: string;
  json?: boolean;
}

interface Page<T> {
  items: T[];
  total: number;
}

type Doc = Record<string, unknown> & { _key: string };

function client(flags: ClientFlags) {
  const base = loadConfig({ JOBGRAPH_API: flags.api }).JOBGRAPH_API;
  return <T>(method: string, path: string, body?: unknown) => apiRequest<T>(base, method, path, body);
}

function emit(flags: ClientFlags, value: unknown, human: () => string): void {
  process.stdout.write(flags.json ? JSON.stringify(value, null, 2) + '\n' : human());
}

/** Every item of a paged list (the API caps a page at 10,000). */
async function allItems<T>(call: ReturnType<typeof client>, path: string): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await call<Page<T>>('GET', `${path}${sep}offset=${items.length}&limit=10000`);
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

function withClientFlags(command: Command): Command {
  return command.option('--api <url>', 'API base URL (env JOBGRAPH_API)').option('--json', 'print JSON');
}

export function workflowCommand(): Command {
  const wf = new Command('workflow').description('create, start and inspect workflows through the API');

  withClientFlags(wf.command('create <spec>').description('create a workflow from a YAML, JSON or JSON5 spec')).action(
    async (spec: string, flags: ClientFlags) => {
      const body = await loadSpecFile(spec);
      const doc = await client(flags)<Doc>('POST', '/workflows', body);
      emit(flags, doc, () => `${doc._key}\n`);
    },
  );

  withClientFlags(wf.command('start <key>').description('initialize dependencies and let the scheduler run it')).action(
    async (key: string, flags: ClientFlags) => {
      const out = await client(flags)<Record<string, unknown>>('POST', `/workflows/${encodeURIComponent(key)}/start`);
      emit(flags, out, () => `started ${key}: ${out.ready ?? '?'} ready, ${out.blocked ?? '?'} blocked\n`);
    },
  );

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

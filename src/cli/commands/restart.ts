/**
 * `jobgraph workflow restart KEY [--failed-only] [--dry-run] [--cwd DIR] [--api URL] [--json]`
 * (decision 0007): plan which jobs must run again — failed ones, and unless `--failed-only`
 * completed ones whose command, user data or input files changed or whose outputs are
 * missing — plus everything downstream, print the plan, and (unless `--dry-run`) ask the
 * API to reset those jobs.
 */
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { loadConfig } from '../../core/config.js';
import { UnavailableError } from '../../core/errors.js';
import { planRestart, summarizeReasons, type RestartSelection } from '../../graph/plan-restart.js';
import { apiRequest } from '../api-request.js';
import { formatTable } from '../print-table.js';
import { gatherRestartFacts } from '../restart-facts.js';

interface RestartFlags {
  api?: string;
  json?: boolean;
  dryRun?: boolean;
  failedOnly?: boolean;
  cwd?: string;
}

interface Page {
  items: Array<Record<string, unknown> & { _key: string }>;
  total: number;
}

/** The API's answer (src/api/restart/restart-schema.ts). */
interface RestartAnswer {
  reset: string[];
  ready: number;
}

/** Tries of the restart request when the API cannot be reached or the answer is lost. */
const RESTART_TRIES = 3;

async function withRetries<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (err) {
      if (!(err instanceof UnavailableError) || attempt >= RESTART_TRIES) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

function planTable(plan: RestartSelection[]): string {
  if (plan.length === 0) return 'nothing to restart\n';
  return formatTable(
    ['job', 'reason'],
    plan.map((s) => [s.name, s.reasons.join('; ')]),
  );
}

/** Add `restart <key>` to the `workflow` command. */
export function addWorkflowRestartCommand(wf: Command): void {
  wf.command('restart <key>')
    .description(
      'run again the failed jobs, the completed ones whose inputs, command or user data changed or whose ' +
        'outputs are missing, and everything downstream of them',
    )
    .option('--failed-only', 'only failed/canceled/terminated jobs and their downstream; ignore changes')
    .option('--dry-run', 'print what would run and why; change nothing')
    .option('--cwd <dir>', 'directory relative file paths resolve against (where the workers run jobs)', '.')
    .option('--api <url>', 'API base URL (env JOBGRAPH_API)')
    .option('--json', 'print JSON')
    .action(async (key: string, flags: RestartFlags) => {
      const base = loadConfig({ JOBGRAPH_API: flags.api }).JOBGRAPH_API;
      const listAll = async (path: string) => {
        const items: Page['items'] = [];
        for (;;) {
          const sep = path.includes('?') ? '&' : '?';
          const page = await apiRequest<Page>(base, 'GET', `${path}${sep}offset=${items.length}&limit=10000`);
          items.push(...page.items);
          if (page.items.length === 0 || items.length >= page.total) return items;
        }
      };
      const facts = await gatherRestartFacts(listAll, key, {
        cwd: resolve(flags.cwd ?? '.'),
        failedOnly: flags.failedOnly ?? false,
      });
      const plan = planRestart(facts);
      if (flags.dryRun || plan.length === 0) {
        process.stdout.write(flags.json ? JSON.stringify(plan, null, 2) + '\n' : planTable(plan));
        return;
      }
      // One id for every try: a retry after a lost answer is answered with the first outcome
      // instead of bumping the attempts again.
      const body = { jobs: plan.map((s) => s.job), reasons: summarizeReasons(plan), request_id: randomUUID() };
      const answer = await withRetries(() =>
        apiRequest<RestartAnswer>(base, 'POST', `/workflows/${encodeURIComponent(key)}/restart`, body),
      );
      process.stdout.write(
        flags.json
          ? JSON.stringify({ ...answer, plan }, null, 2) + '\n'
          : planTable(plan) + `restarted ${key}: ${answer.reset.length} jobs reset, ${answer.ready} ready\n`,
      );
    });
}

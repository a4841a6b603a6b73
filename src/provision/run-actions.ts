/**
 * torc's workflow actions, run by the provisioner: each due action (action-triggers.ts) is
 * claimed in the graph — a compare-and-set on `claimed_at` with an `action_claimed` event — and
 * only the claimer acts, so an action fires once whatever runs twice. `schedule_nodes` submits
 * `num_allocations` allocations of its scheduler; `run_commands` runs its commands in order in
 * a shell, in the provisioner's working directory, the first failure stopping the rest
 * (decision 0008). The outcome (`done` / `failed`) and an `action_finished` event with each
 * command's exit code and the tail of its output are recorded when it ends.
 */
import { spawn } from 'node:child_process';
import type { ActionDoc, SchedulerDoc, WorkflowDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { isJobTrigger, isTriggered } from './action-triggers.js';
import { submitAllocation, type SubmitDeps } from './submit-allocation.js';
import { workerLaunch, type LaunchDefaults } from './worker-launch.js';

export interface ActionDeps extends SubmitDeps {
  store: SubmitDeps['store'] & Pick<GraphStore, 'statusCounts'>;
  launch: LaunchDefaults;
  /** Who claims (the provisioner's id, for the record). */
  claimer: string;
  /** Environment of `run_commands`. */
  env?: NodeJS.ProcessEnv;
}

/** Most output kept per command in the event. */
const OUTPUT_TAIL = 4096;

/** Fire every due, unclaimed action of the workflow. @returns the keys of the actions this call ran. */
export async function runDueActions(
  deps: ActionDeps,
  workflow: WorkflowDoc,
  actions: ActionDoc[],
  schedulers: Map<string, SchedulerDoc>,
): Promise<string[]> {
  const fired: string[] = [];
  for (const action of actions) {
    if (action.claimed_at !== undefined) continue;
    const selectedCounts = isJobTrigger(action.trigger_type)
      ? await deps.store.statusCounts(workflow._key, action.job_keys ?? [])
      : undefined;
    if (!isTriggered(action.trigger_type, { workflowStatus: workflow.status, selectedCounts })) continue;
    if (!(await claim(deps, workflow._key, action))) continue;
    fired.push(action._key);
    const outcome = await execute(deps, workflow, action, schedulers).catch((err: unknown) => ({
      ok: false,
      details: { message: (err as Error).message },
    }));
    await deps.store.writeDocuments(workflow._key, {
      update: [
        {
          collection: 'actions',
          key: action._key,
          patch: {
            outcome: outcome.ok ? 'done' : 'failed',
            finished_at: new Date().toISOString(),
            ...(!outcome.ok && typeof outcome.details.message === 'string' && { message: outcome.details.message }),
          },
        },
      ],
      events: [
        {
          type: 'action_finished',
          action: action._key,
          trigger_type: action.trigger_type,
          action_type: action.action_type,
          outcome: outcome.ok ? 'done' : 'failed',
          ...outcome.details,
        },
      ],
    });
    deps.logger.info({ action: action._key, trigger: action.trigger_type, ok: outcome.ok }, 'action finished');
  }
  return fired;
}

async function claim(deps: ActionDeps, workflow: string, action: ActionDoc): Promise<boolean> {
  const claimed_at = new Date().toISOString();
  const answer = await deps.store.writeDocuments(workflow, {
    update: [
      {
        collection: 'actions',
        key: action._key,
        expect: { claimed_at: null },
        patch: { claimed_at, claimed_by: deps.claimer },
      },
    ],
    events: [
      {
        type: 'action_claimed',
        action: action._key,
        trigger_type: action.trigger_type,
        action_type: action.action_type,
        claimed_by: deps.claimer,
      },
    ],
  });
  return answer.ok;
}

type Outcome = { ok: boolean; details: Record<string, unknown> };

async function execute(
  deps: ActionDeps,
  workflow: WorkflowDoc,
  action: ActionDoc,
  schedulers: Map<string, SchedulerDoc>,
): Promise<Outcome> {
  if (action.action_type === 'schedule_nodes') {
    const scheduler = action.scheduler === undefined ? undefined : schedulers.get(action.scheduler);
    if (!scheduler) return { ok: false, details: { message: `scheduler ${action.scheduler ?? '(none)'} not found` } };
    const launch = workerLaunch(deps.launch, workflow, {
      // torc's default: one worker for the whole allocation.
      perNode: action.start_one_worker_per_node ?? false,
      ...(action.max_parallel_jobs !== undefined && { maxParallelJobs: action.max_parallel_jobs }),
    });
    const allocations: string[] = [];
    const errors: string[] = [];
    for (let i = 0; i < (action.num_allocations ?? 1); i++) {
      try {
        const doc = await submitAllocation(deps, {
          workflow,
          scheduler,
          trigger: 'action',
          action: action._key,
          launch,
        });
        allocations.push(doc._key);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    return {
      ok: errors.length === 0,
      details: { allocations, ...(errors.length && { message: errors[0], errors }) },
    };
  }
  if (action.action_type === 'run_commands') {
    const results: Array<{ command: string; exit_code: number; output: string }> = [];
    for (const command of action.commands ?? []) {
      const result = await runCommand(command, deps.launch.cwd, deps.env);
      results.push({ command, ...result });
      if (result.exit_code !== 0) {
        return { ok: false, details: { commands: results, message: `"${command}" exited with ${result.exit_code}` } };
      }
    }
    return { ok: true, details: { commands: results } };
  }
  return { ok: false, details: { message: `unknown action type ${String(action.action_type)}` } };
}

function runCommand(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv | undefined,
): Promise<{ exit_code: number; output: string }> {
  return new Promise((resolve) => {
    let output = '';
    const child = spawn('/bin/sh', ['-c', command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (err) => resolve({ exit_code: 127, output: err.message }));
    child.on('close', (code, signal) => resolve({ exit_code: code ?? (signal ? 128 : 1), output }));
  });
}

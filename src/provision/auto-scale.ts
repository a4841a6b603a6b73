/**
 * Automatic allocation for one workflow (`auto_scale` set on start): read the waiting work
 * and the live allocations, let the pure policy (scaling-policy.ts) decide, submit and
 * cancel. An allocation whose workers were told to go (a Spot notice) counts as ending then,
 * and the submissions that follow an interruption are recorded as its replacement. A scheduler whose submission failed is left alone for a while (doubling from 10 s
 * to 5 min) so that a wrong account does not hammer sbatch; work no scheduler can run is
 * reported once per reason as a `jobs_unplaceable` event.
 */
import type { AllocationDoc, SchedulerDoc, WorkflowDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { cancelAllocation } from './cancel-allocation.js';
import { decideScaling, type LiveAllocation, type ScalingScheduler } from './scaling-policy.js';
import { submitAllocation, type SubmitDeps } from './submit-allocation.js';
import { workerLaunch, type LaunchDefaults } from './worker-launch.js';

export interface AutoScaleDeps extends SubmitDeps {
  store: SubmitDeps['store'] & Pick<GraphStore, 'schedulingDemand' | 'writeDocuments'>;
  launch: LaunchDefaults;
  /** Per scheduler key: no submission before this time (ms) after a failure. */
  backoff: Map<string, { until: number; delayMs: number }>;
  /** Reasons already reported per workflow (`workflow reason`). */
  reported: Set<string>;
  now?: () => number;
}

/** What interruptions mean for this pass (interruptions.ts). */
export interface InterruptionView {
  /** Allocation key → when its workers stop taking work after a notice (ms). */
  noticedEnds: Map<string, number>;
  /** Scheduler key → interrupted allocations not replaced yet, oldest first. */
  unreplaced: Map<string, string[]>;
}

/** Auto-scaling settings on the workflow document. */
export interface AutoScaleSettings {
  /** Cap per scheduler when the scheduler sets none. */
  max_allocations?: number;
}

const LIVE = new Set(['requested', 'submitting', 'pending', 'running']);

/**
 * Most allocations of `s` alive at once: its own `max_allocations`, else the workflow's; for a
 * scheduler capping its instances (aws `max_instances`), no more allocations than fit under it —
 * the provider would refuse them.
 */
function allocationCap(s: SchedulerDoc, settings: AutoScaleSettings): number | undefined {
  const own = s.max_allocations ?? settings.max_allocations;
  const instances = typeof s.max_instances === 'number' ? Math.floor(s.max_instances / (s.nodes ?? 1)) : undefined;
  const caps = [own, instances].filter((c): c is number => c !== undefined);
  return caps.length > 0 ? Math.min(...caps) : undefined;
}

export async function autoScale(
  deps: AutoScaleDeps,
  workflow: WorkflowDoc,
  schedulers: SchedulerDoc[],
  allocations: AllocationDoc[],
  interruptions: InterruptionView = { noticedEnds: new Map(), unreplaced: new Map() },
): Promise<void> {
  const now = (deps.now ?? Date.now)();
  const settings = (typeof workflow.auto_scale === 'object' ? workflow.auto_scale : {}) as AutoScaleSettings;
  const launch = workerLaunch(deps.launch, workflow);
  const shaped: ScalingScheduler[] = [];
  for (const s of schedulers) {
    try {
      const cap = allocationCap(s, settings);
      shaped.push({
        key: s._key,
        name: s.name,
        nodes: s.nodes ?? 1,
        ...(s.walltime_s !== undefined && { walltime_s: s.walltime_s }),
        ...(cap !== undefined && { max_allocations: cap }),
        node: await deps.providers.nodeShape(s),
      });
    } catch (err) {
      deps.logger.warn({ err, scheduler: s.name }, 'cannot size the nodes of a scheduler; skipping it');
    }
  }
  const live: LiveAllocation[] = allocations
    .filter((a) => LIVE.has(a.state))
    .map((a) => {
      // A notice ends an allocation's usefulness before the provider ends the allocation.
      const ends = Math.min(
        a.ends_at ? Date.parse(a.ends_at) : Infinity,
        interruptions.noticedEnds.get(a._key) ?? Infinity,
      );
      return {
        key: a._key,
        scheduler: a.scheduler,
        state: a.state === 'requested' ? 'submitting' : (a.state as LiveAllocation['state']),
        ...(Number.isFinite(ends) && { ends_at: ends }),
        submitted_at: Date.parse(a.submitted_at),
      };
    });
  const decision = decideScaling({
    schedulers: shaped,
    demand: await deps.store.schedulingDemand(workflow._key),
    allocations: live,
    now,
    bufferS: launch.expirationBufferS,
  });

  for (const u of decision.unplaceable) {
    const id = `${workflow._key} ${u.reason}`;
    if (deps.reported.has(id)) continue;
    deps.reported.add(id);
    deps.logger.warn({ workflow: workflow._key, jobs: u.jobs, reason: u.reason }, 'jobs fit no scheduler');
    await deps.store.writeDocuments(workflow._key, {
      events: [{ type: 'jobs_unplaceable', jobs: u.jobs, resources: u.resources, reason: u.reason }],
    });
  }
  const byKey = new Map(schedulers.map((s) => [s._key, s]));
  for (const { scheduler: key, count, perNode } of decision.submit) {
    const scheduler = byKey.get(key)!;
    const toReplace = [...(interruptions.unreplaced.get(key) ?? [])];
    for (let i = 0; i < count; i++) {
      const wait = deps.backoff.get(key);
      if (wait && wait.until > now) break;
      try {
        const replaces = toReplace.shift();
        await submitAllocation(deps, {
          workflow,
          scheduler,
          trigger: 'auto_scale',
          launch: { ...launch, perNode },
          ...(replaces !== undefined && { replaces }),
        });
        deps.backoff.delete(key);
      } catch {
        const delayMs = Math.min((wait?.delayMs ?? 5_000) * 2, 300_000);
        deps.backoff.set(key, { until: now + delayMs, delayMs });
        break;
      }
    }
  }
  const allocationsByKey = new Map(allocations.map((a) => [a._key, a]));
  for (const { allocation, reason } of decision.cancel) {
    const doc = allocationsByKey.get(allocation);
    if (doc) await cancelAllocation(deps, doc, reason);
  }
}

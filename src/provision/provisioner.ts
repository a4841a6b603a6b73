/**
 * The provisioner: gets compute for workflows (decision 0008). It runs in the scheduler
 * process (`jobgraph server`, `jobgraph scheduler`, `jobgraph run`) or alone (`jobgraph
 * scale`), where the providers' commands work (a Slurm login node) with the user's
 * credentials.
 *
 * Work happens in passes, coalesced like the scheduler's: a `ready` message (jobs changed)
 * pokes one, a timer runs one every `intervalMs` regardless (allocation states come from
 * polling the providers). For each workflow a pass: follows live allocations at their
 * providers, reads the interruptions (interruptions.ts: pools to avoid, capacity to replace),
 * submits the allocations people asked for (`requested`), fires due actions, runs the
 * auto-scaling policy when the workflow asked for it, and once the workflow is over releases
 * what it no longer needs (pending allocations; all of them when it was canceled).
 * Every decision that must happen once is claimed in the graph, so several provisioners (or
 * a restarted one) never submit twice. Once per start, what the providers in use still hold
 * is matched against the graph: adopted, followed, or terminated (sweep-orphans.ts).
 */
import { CoalescedPasses } from '../core/coalesced-passes.js';
import type { Logger } from '../core/logger.js';
import type {
  ActionDoc,
  AllocationDoc,
  BaseDoc,
  SchedulerDoc,
  SchedulerType,
  WorkflowCollection,
  WorkflowDoc,
} from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import type { Notifier } from '../queue/notifications.js';
import { autoScale } from './auto-scale.js';
import { cancelAllocation } from './cancel-allocation.js';
import {
  findInterruptions,
  INTERRUPTION_NOTICE,
  noticedEnds,
  poolsToAvoid,
  REBALANCE_RECOMMENDATION,
  unreplaced,
  type NoticeEvent,
} from './interruptions.js';
import type { ProviderRegistry } from './provider-registry.js';
import { runDueActions } from './run-actions.js';
import { submitAllocation, type SubmitDeps } from './submit-allocation.js';
import { sweepOrphans } from './sweep-orphans.js';
import { trackAllocations } from './track-allocations.js';
import { workerLaunch, type LaunchDefaults } from './worker-launch.js';
import type { WorkerTokenMinter } from './worker-tokens.js';

export interface ProvisionerDeps {
  store: GraphStore;
  providers: ProviderRegistry;
  logger: Logger;
  launch: LaunchDefaults;
  /** Pokes on `ready` messages. Absent: the timer alone drives passes. */
  notifier?: Pick<Notifier, 'subscribe' | 'unsubscribe'>;
  /** Period of a full pass (`JOBGRAPH_PROVISION_MS`). */
  intervalMs: number;
  /** This provisioner's name in claims. */
  id: string;
  /** Environment of `run_commands` actions. */
  env?: NodeJS.ProcessEnv;
  /** How long a pool stays avoided after an interruption there (`JOBGRAPH_AWS_AVOID_POOL_MS`). @default 900000 */
  avoidPoolMs?: number;
  /**
   * Aborted when the process shuts down: no pass starts after it, and the running one skips
   * the workflows it has not reached, before `stop()` is even called.
   */
  closing?: AbortSignal;
  /** On a server with auth: mints each allocation's worker token (worker-tokens.ts). */
  workerTokens?: WorkerTokenMinter;
}

const LIVE = new Set(['requested', 'submitting', 'pending', 'running']);
const DONE = new Set(['completed', 'failed', 'canceled']);
const DEFAULT_AVOID_POOL_MS = 15 * 60_000;

export class Provisioner {
  /** Workflows with something to provision (actions, auto-scaling, live allocations): full passes visit these too. */
  private readonly active = new Set<string>();
  /**
   * Workflows found with nothing to provision: `ready` pokes (one per completion batch) skip
   * them, so a plain workflow costs the provisioner nothing per job; full passes re-check them.
   */
  private readonly idle = new Set<string>();
  private readonly poked = new Set<string>();
  private readonly backoff = new Map<string, { until: number; delayMs: number }>();
  private readonly reported = new Set<string>();
  /** Provider types of the schedulers and allocations seen: what the start sweep lists. */
  private readonly typesInUse = new Set<SchedulerType>();
  private swept = false;
  private fullDue = false;
  private readonly passes = new CoalescedPasses(
    () => this.pass(),
    (err) => this.deps.logger.error({ err }, 'provisioning pass failed'),
  );
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private subscribed = false;
  private readonly onReady = (workflows: string[]) => {
    const wanted = workflows.filter((wf) => !this.idle.has(wf));
    if (wanted.length > 0) this.poke(wanted);
  };
  private readonly onProvision = (workflows: string[]) => this.poke(workflows);

  constructor(private readonly deps: ProvisionerDeps) {
    deps.closing?.addEventListener('abort', () => this.halt(), { once: true });
  }

  async start(): Promise<void> {
    if (this.deps.notifier) {
      await this.deps.notifier.subscribe('ready', this.onReady);
      await this.deps.notifier.subscribe('provision', this.onProvision);
      this.subscribed = true;
    }
    this.timer = setInterval(() => this.full(), this.deps.intervalMs);
    this.timer.unref();
    this.full();
  }

  /** No more passes; the current one is awaited. Allocations are left as they are (a restart adopts them). */
  async stop(): Promise<void> {
    this.halt();
    await this.passes.whenIdle();
    if (this.subscribed) {
      this.subscribed = false;
      await this.deps.notifier!.unsubscribe('ready', this.onReady).catch(() => undefined);
      await this.deps.notifier!.unsubscribe('provision', this.onProvision).catch(() => undefined);
    }
  }

  /** No pass after the current one, which ends after the workflow it is at. */
  private halt(): void {
    this.stopped = true;
    this.passes.halt();
    if (this.timer) clearInterval(this.timer);
  }

  /** Ask for a pass over `workflows` (idle or not). Cheap: any number of pokes during a pass cause one more. */
  poke(workflows: string[] = []): void {
    if (this.stopped) return;
    for (const wf of workflows) this.poked.add(wf);
    this.passes.request();
  }

  /** Resolves once no pass is running or pending. */
  async whenIdle(): Promise<void> {
    await this.passes.whenIdle();
  }

  /** A pass over every running workflow and every one with live allocations. */
  full(): void {
    this.fullDue = true;
    this.poke();
  }

  /** One pass over the poked workflows, and on a full one every running and active workflow. */
  private async pass(): Promise<void> {
    const full = this.fullDue;
    this.fullDue = false;
    const workflows = new Set(this.poked);
    this.poked.clear();
    if (full) {
      for (const wf of this.active) workflows.add(wf);
      try {
        for (const wf of await this.deps.store.listWorkflowKeys('running')) workflows.add(wf);
      } catch (err) {
        this.deps.logger.error({ err }, 'provisioner: listing running workflows failed');
      }
    }
    for (const wf of workflows) {
      if (this.stopped) break;
      try {
        const busy = await this.provision(wf);
        // A bound on what is remembered: forgetting only costs one look at a workflow.
        if (this.idle.size >= 10_000) this.idle.clear();
        (busy ? this.active : this.idle).add(wf);
        (busy ? this.idle : this.active).delete(wf);
      } catch (err) {
        this.deps.logger.error({ err, workflow: wf }, 'provisioning pass failed');
      }
    }
    if (full && !this.swept && !this.stopped) await this.sweep();
  }

  /**
   * Once per start, after the first full pass (which tells the provider types in use): settle
   * what the providers hold that the graph does not follow (sweep-orphans.ts). Workflows with
   * allocations kept or adopted are followed from the next pass on, finished ones included.
   */
  private async sweep(): Promise<void> {
    this.swept = true;
    for (const p of this.deps.providers.opened()) this.typesInUse.add(p.type);
    try {
      const outcome = await sweepOrphans(this.deps, this.typesInUse);
      const fresh = outcome.workflows.filter((wf) => !this.active.has(wf));
      if (fresh.length > 0) this.poke(fresh);
    } catch (err) {
      this.deps.logger.error({ err }, 'provisioner: the start sweep failed');
    }
  }

  /** One workflow's pass. @returns whether it still has something to provision. */
  private async provision(key: string): Promise<boolean> {
    const { store, logger } = this.deps;
    let workflow: WorkflowDoc;
    try {
      workflow = await store.getWorkflow(key);
    } catch {
      return false; // deleted
    }
    const [schedulerDocs, actions, allocations] = await Promise.all([
      all<SchedulerDoc>(store, key, 'schedulers'),
      all<ActionDoc>(store, key, 'actions'),
      all<AllocationDoc>(store, key, 'allocations'),
    ]);
    const schedulers = new Map(schedulerDocs.map((s) => [s._key, s]));
    // Read once, by the start sweep.
    if (!this.swept)
      for (const t of [...schedulerDocs.map((s) => s.type), ...allocations.map((a) => a.provider)])
        this.typesInUse.add(t);
    const live = allocations.filter((a) => LIVE.has(a.state) && a.state !== 'requested');
    const changed = new Map((await trackAllocations(this.deps, live)).map((a) => [a._key, a]));
    const current = allocations.map((a) => changed.get(a._key) ?? a);
    // Only EC2 workers post notices: other workflows skip reading them.
    const notices = schedulerDocs.some((s) => s.type === 'aws') ? await noticeEvents(store, key) : [];
    const interruptions = findInterruptions(current, notices);
    // An interrupted allocation that ran nothing was taken away, not idle: no backoff for it.
    const interrupted = new Set(interruptions.map((i) => i.allocation));
    for (const a of changed.values())
      if (a.state === 'ended' && a.reason !== 'preempted' && !interrupted.has(a._key))
        await this.noteIdleEnd(workflow, a);
    const avoid = poolsToAvoid(interruptions, Date.now(), this.deps.avoidPoolMs ?? DEFAULT_AVOID_POOL_MS);
    const deps = {
      ...this.deps,
      claimer: this.deps.id,
      backoff: this.backoff,
      reported: this.reported,
      avoid: (scheduler: string) => avoid.get(scheduler) ?? [],
    };

    for (const request of allocations.filter((a) => a.state === 'requested'))
      await this.submitRequested(deps, workflow, request, schedulers).catch((err: unknown) =>
        logger.warn({ err, allocation: request._key }, 'requested allocation failed'),
      );
    if (workflow.status !== 'created') await runDueActions(deps, workflow, actions, schedulers);
    if (workflow.status === 'running' && workflow.auto_scale)
      await autoScale(deps, workflow, schedulerDocs, current, {
        noticedEnds: noticedEnds(interruptions),
        unreplaced: unreplaced(interruptions, current),
      });
    if (DONE.has(workflow.status)) {
      // Pending allocations would start workers with nothing to do; running ones end by
      // themselves (their workers exit with the workflow) unless it was canceled.
      for (const a of current)
        if (
          a.state === 'pending' ||
          a.state === 'requested' ||
          (workflow.status === 'canceled' && a.state === 'running')
        )
          await cancelAllocation(deps, a, `workflow ${workflow.status}`).catch((err: unknown) =>
            logger.warn({ err, allocation: a._key }, 'could not cancel an allocation'),
          );
    }
    const hasLive = current.some((a) => LIVE.has(a.state));
    const pendingActions = actions.some((a) => a.claimed_at === undefined && !a.trigger_type.startsWith('on_worker'));
    return hasLive || (workflow.status === 'running' && (pendingActions || Boolean(workflow.auto_scale)));
  }

  /**
   * An auto-scaled allocation that ended without running a job means its workers could not
   * take the waiting work (or it came too late): asking again at once could loop for ever on a
   * real cluster. The scheduler is left alone for a while (30 s doubling to 10 min), with an
   * `allocation_idle` event saying so.
   */
  private async noteIdleEnd(workflow: WorkflowDoc, allocation: AllocationDoc): Promise<void> {
    if (allocation.trigger !== 'auto_scale' || allocation.reason === 'failed') return;
    const { store } = this.deps;
    const nodes = (
      await store.listDocuments(workflow._key, 'compute_nodes', {
        filter: { allocation: allocation._key },
        limit: 1000,
      })
    ).items;
    for (const n of nodes)
      if ((await store.listEdges(workflow._key, 'executed', { filter: { _from: n._id }, limit: 1 })).total > 0) return;
    const previous = this.backoff.get(allocation.scheduler);
    const delayMs = Math.min(Math.max((previous?.delayMs ?? 15_000) * 2, 30_000), 600_000);
    this.backoff.set(allocation.scheduler, { until: Date.now() + delayMs, delayMs });
    await store.writeDocuments(workflow._key, {
      events: [
        {
          type: 'allocation_idle',
          allocation: allocation._key,
          scheduler: allocation.scheduler,
          scheduler_name: allocation.scheduler_name,
          message:
            `allocation ${allocation._key} ended (${allocation.reason ?? 'unknown'}) without running a job; ` +
            `no new allocation of "${allocation.scheduler_name}" for ${Math.round(delayMs / 1000)} s`,
        },
      ],
    });
    this.deps.logger.warn({ allocation: allocation._key, delayMs }, 'allocation ended without running a job');
  }

  /** Cancel every live allocation of `workflow` now (a run that must not leave nodes held). */
  async release(workflow: string, reason: string): Promise<void> {
    const allocations = await all<AllocationDoc>(this.deps.store, workflow, 'allocations');
    for (const a of allocations)
      if (LIVE.has(a.state))
        await cancelAllocation(this.deps, a, reason).catch((err: unknown) =>
          this.deps.logger.warn({ err, allocation: a._key }, 'could not cancel an allocation'),
        );
  }

  /** A person's request (`jobgraph slurm submit`): claimed requested → submitting, then submitted. */
  private async submitRequested(
    deps: SubmitDeps,
    workflow: WorkflowDoc,
    request: AllocationDoc,
    schedulers: Map<string, SchedulerDoc>,
  ): Promise<void> {
    const claimed = await this.deps.store.writeDocuments(workflow._key, {
      update: [
        {
          collection: 'allocations',
          key: request._key,
          expect: { state: 'requested' },
          patch: { state: 'submitting', claimed_by: this.deps.id },
        },
      ],
    });
    if (!claimed.ok) return;
    const scheduler = schedulers.get(request.scheduler);
    if (!scheduler) {
      await this.deps.store.writeDocuments(workflow._key, {
        update: [
          {
            collection: 'allocations',
            key: request._key,
            expect: { state: 'submitting' },
            patch: { state: 'ended', reason: 'failed', message: `no scheduler ${request.scheduler}` },
          },
        ],
        events: [{ type: 'allocation_failed', allocation: request._key, message: `no scheduler ${request.scheduler}` }],
      });
      return;
    }
    const options = request.worker as { per_node?: boolean; max_parallel_jobs?: number } | undefined;
    await submitAllocation(deps, {
      workflow,
      scheduler,
      trigger: 'manual',
      key: request._key,
      nodes: request.nodes,
      ...(request.walltime_s !== undefined && { walltime_s: request.walltime_s }),
      ...(request.overrides !== undefined && { overrides: request.overrides as Record<string, unknown> }),
      launch: workerLaunch(this.deps.launch, workflow, {
        ...(options?.per_node !== undefined && { perNode: options.per_node }),
        ...(options?.max_parallel_jobs !== undefined && { maxParallelJobs: options.max_parallel_jobs }),
      }),
    });
  }
}

/** The Spot notices workers posted to the workflow (worker/instance-watch.ts). */
async function noticeEvents(store: GraphStore, workflow: string): Promise<NoticeEvent[]> {
  const pages = await Promise.all(
    [INTERRUPTION_NOTICE, REBALANCE_RECOMMENDATION].map((type) =>
      store.listDocuments(workflow, 'events', { filter: { type }, limit: 10_000 }),
    ),
  );
  return pages.flatMap((p) => p.items as unknown as NoticeEvent[]);
}

async function all<T extends BaseDoc>(
  store: GraphStore,
  workflow: string,
  collection: WorkflowCollection,
): Promise<T[]> {
  const out: T[] = [];
  for (;;) {
    const page = await store.listDocuments(workflow, collection, { offset: out.length, limit: 10_000 });
    out.push(...(page.items as T[]));
    if (page.items.length === 0 || out.length >= page.total) return out;
  }
}

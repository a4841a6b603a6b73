/**
 * The scheduler process's loop. Work happens in passes; a pass promotes ready jobs (every one,
 * or with bounded promotion only what the queues lack to their watermarks, decision 0016),
 * finishes the workflows it was poked for, and — when the periodic timer asked — repairs
 * queued jobs that lost their queue entry and checks every running workflow for
 * completion.
 *
 * Passes are coalesced, never slept on: at most one runs at a time, a poke during a pass
 * marks the scheduler dirty and exactly one more pass follows at once. A 200-job chain
 * thus unblocks each link as fast as the store and Redis answer, and a burst of 10,000
 * completions costs a handful of passes rather than 10,000.
 */
import { CoalescedPasses } from '../core/coalesced-passes.js';
import type { Logger } from '../core/logger.js';
import type { WorkflowDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import type { JobProducer } from '../queue/job-producer.js';
import type { Notifier } from '../queue/notifications.js';
import { finishWorkflows } from './finish-workflows.js';
import { promoteBounded } from './promote-bounded.js';
import { promoteReady } from './promote-ready-jobs.js';
import { DEFAULT_RECONCILE_AGE_MS, reconcileQueuedJobs } from './reconcile-queued-jobs.js';
import type { LostWorkerWatchdog } from './lost-worker-watchdog.js';
import type { WorkerLiveness } from '../queue/worker-heartbeat.js';
import type { WorkerSize } from '../queue/heartbeat-report.js';
import { JOB_UNFIT_EVENT, type UnfitWaits } from './unfit-waits.js';

/** What the scheduler runs on. The store, producer and notifier are the caller's: `stop()` leaves them open. */
export interface SchedulerDeps {
  store: GraphStore;
  producer: Pick<JobProducer, 'enqueue' | 'presentIds' | 'forgetWorkflow' | 'recoverAbandoned' | 'waitingCounts'>;
  notifier: Pick<Notifier, 'publish' | 'subscribe' | 'unsubscribe'>;
  logger: Logger;
  /** Period of the reconcile (`JOBGRAPH_RECONCILE_MS`). */
  reconcileMs: number;
  /**
   * How long a job must have been `queued` before the reconcile may re-add its entry.
   * @default 10000
   */
  reconcileAgeMs?: number;
  /** Detects dead workers on each periodic pass (absent: lost workers are not detected). */
  watchdog?: Pick<LostWorkerWatchdog, 'check'>;
  /**
   * Reports queued jobs that fit no live worker (`job_unfit` events) on each periodic pass;
   * absent: not reported. The sizes come from the workers' heartbeats.
   */
  unfit?: { waits: UnfitWaits; liveness: Pick<WorkerLiveness, 'capacities'> };
  /**
   * Bounded promotion (decision 0016): each (workflow, resource class) queue is topped up to
   * `max(floor, 2 × the live workers' slots for the class)`; the rest stay `ready`. A poked
   * pass tops up the poked workflows, the periodic pass every running one. The live workers'
   * sizes come from `liveness` (absent: none are known, the floor holds). Absent: every ready
   * job is promoted at once (`JOBGRAPH_QUEUE_FLOOR=unbounded`).
   */
  promotion?: { floor: number; liveness?: Pick<WorkerLiveness, 'capacities'> };
  /** Called once for each workflow this scheduler finishes. */
  onWorkflowFinished?: (wf: WorkflowDoc) => void;
  /**
   * Aborted when the process shuts down: no pass starts after it, before `stop()` is even
   * called (the pass running then finishes; its Redis commands fail fast once the connections
   * have given up).
   */
  closing?: AbortSignal;
}

export class Scheduler {
  private readonly pokedWorkflows = new Set<string>();
  private reconcileDue = false;
  private readonly passes = new CoalescedPasses(
    () => this.nextPass(),
    // pass() logs its own failures; this is the last guard so a bug never becomes an unhandled rejection.
    (err) => this.deps.logger.error({ err }, 'scheduler pass failed'),
  );
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private stopped = false;
  private readonly onReady = (workflows: string[]) => this.poke(workflows);
  /**
   * Bounded promotion's upper bounds of each workflow's waiting entries (promote-bounded.ts): they
   * spare a chain's passes the Redis count of its queues. Forgotten on each periodic pass (its
   * reconcile re-adds entries) and when a workflow finishes.
   */
  private readonly waitingAtMost = new Map<string, number>();
  /** The live workers' sizes and when they were read: read at most once a second, and on each periodic pass. */
  private workers: { sizes: WorkerSize[]; readAt: number } | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    deps.closing?.addEventListener('abort', () => this.halt(), { once: true });
  }

  /**
   * Subscribe to `ready` hints, start the periodic reconcile, and run a first full pass
   * (in the background) to catch up with whatever happened while no scheduler ran.
   * Resolves once subscribed.
   */
  async start(): Promise<void> {
    if (this.started || this.stopped) return;
    this.started = true;
    try {
      await this.deps.notifier.subscribe('ready', this.onReady);
    } catch (err) {
      this.started = false;
      throw err;
    }
    this.timer = setInterval(() => this.reconcile(), this.deps.reconcileMs);
    // The timer must not keep a process alive on its own; the owner decides when to exit.
    this.timer.unref();
    this.reconcile();
  }

  /**
   * Stop: no more passes, the current one is awaited, the `ready` handler is removed. Does
   * not close the store, producer or notifier. A stopped scheduler does not start again.
   */
  async stop(): Promise<void> {
    this.halt();
    await this.passes.whenIdle();
    if (this.started) {
      this.started = false;
      // The notifier is the caller's and may serve others (the API); only our handler goes.
      await this.deps.notifier.unsubscribe('ready', this.onReady).catch((err: unknown) => {
        this.deps.logger.warn({ err }, 'could not unsubscribe from ready messages');
      });
    }
  }

  /**
   * Ask for a pass: promote ready jobs and check the given workflows for completion.
   * Cheap and synchronous; any number of pokes during a pass cause one more pass.
   */
  poke(workflows: string[] = []): void {
    if (this.stopped) return;
    for (const wf of workflows) this.pokedWorkflows.add(wf);
    this.passes.request();
  }

  /** Resolves once no pass is running or pending (tests, and callers that need the effects of a poke). */
  async whenIdle(): Promise<void> {
    await this.passes.whenIdle();
  }

  /** No pass after the current one. */
  private halt(): void {
    this.stopped = true;
    this.passes.halt();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private reconcile(): void {
    this.reconcileDue = true;
    this.poke();
  }

  /** The pass the pokes since the last one asked for. */
  private async nextPass(): Promise<void> {
    const workflows = [...this.pokedWorkflows];
    this.pokedWorkflows.clear();
    const reconcile = this.reconcileDue;
    this.reconcileDue = false;
    await this.pass(workflows, reconcile);
  }

  /** One pass; each step's failure is logged and the next steps still run. The next pass retries. */
  private async pass(poked: string[], reconcile: boolean): Promise<void> {
    const { store, logger } = this.deps;
    const toFinish = new Set(poked);
    let promotedTo = new Set<string>();
    try {
      promotedTo = (await this.promote(poked, reconcile)).workflows;
    } catch (err) {
      logger.error({ err }, 'promotion failed');
    }
    if (reconcile) {
      try {
        await reconcileQueuedJobs(this.deps, { olderThanMs: this.deps.reconcileAgeMs ?? DEFAULT_RECONCILE_AGE_MS });
      } catch (err) {
        logger.error({ err }, 'reconcile of queued jobs failed');
      }
      // Entries it re-added, even before failing, are in no bound: the next pass counts.
      this.waitingAtMost.clear();
      if (this.deps.watchdog) {
        try {
          const report = await this.deps.watchdog.check();
          // Re-queued attempts are `ready`: one more pass promotes them at once.
          if (report.workflows.length > 0) this.poke(report.workflows);
        } catch (err) {
          logger.error({ err }, 'lost-worker watchdog failed');
        }
      }
      if (this.deps.unfit) {
        try {
          await this.reportUnfit(this.deps.unfit);
        } catch (err) {
          logger.error({ err }, 'checking queued jobs against live workers failed');
        }
      }
      try {
        for (const wf of await store.listWorkflowKeys('running')) toFinish.add(wf);
      } catch (err) {
        logger.error({ err }, 'listing running workflows failed');
      }
    }
    // A workflow that just had jobs promoted has queued jobs: it cannot be done.
    for (const wf of promotedTo) toFinish.delete(wf);
    if (toFinish.size > 0) {
      const finished = await finishWorkflows({ store, logger, onFinished: this.deps.onWorkflowFinished }, toFinish);
      for (const wf of finished) {
        this.waitingAtMost.delete(wf._key);
        await this.deps.producer.forgetWorkflow(wf._key);
      }
    }
  }

  /** Promote: every ready job, or (bounded) the poked workflows' — every running one's on a periodic pass. */
  private async promote(poked: string[], periodic: boolean): ReturnType<typeof promoteReady> {
    const bounded = this.deps.promotion;
    if (!bounded) return promoteReady(this.deps);
    if (!periodic && poked.length === 0) return { promoted: 0, workflows: new Set() };
    return promoteBounded(this.deps, {
      floor: bounded.floor,
      workers: await this.liveWorkers(bounded.liveness, periodic),
      waitingAtMost: this.waitingAtMost,
      ...(!periodic && { workflows: poked }),
    });
  }

  /**
   * The live workers' sizes, cached for a second: a pass follows each completion batch, and a
   * SCAN of the heartbeats on each would cost more than a slightly stale watermark.
   */
  private async liveWorkers(liveness: Pick<WorkerLiveness, 'capacities'> | undefined, fresh: boolean) {
    if (!liveness) return [];
    const now = Date.now();
    if (fresh || !this.workers || now - this.workers.readAt > 1000) {
      this.workers = { sizes: await liveness.capacities(), readAt: now };
    }
    return this.workers.sizes;
  }

  /** Record a `job_unfit` event for each job class that has fitted no live worker for the threshold. */
  private async reportUnfit(unfit: NonNullable<SchedulerDeps['unfit']>): Promise<void> {
    const queued = await this.deps.store.listQueued(new Date().toISOString(), 10_000);
    const workers = queued.length > 0 ? await unfit.liveness.capacities() : [];
    const due = unfit.waits.check(queued, workers);
    if (due.length === 0) return;
    await this.deps.store.appendEvents(due.map((r) => ({ ...r, source: 'system' as const, type: JOB_UNFIT_EVENT })));
    for (const r of due) this.deps.logger.warn({ workflow: r.workflow, job: r.name, jobs: r.jobs }, r.reason);
  }
}

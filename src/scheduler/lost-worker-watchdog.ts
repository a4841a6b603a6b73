/**
 * The lost-worker watchdog, run from the scheduler's periodic pass. A worker whose
 * heartbeat key is gone (see queue/worker-heartbeat.ts) while the graph says it runs
 * jobs is suspected; when the key is still gone at a check at least `confirmMs` later it
 * is declared lost: its attempts are recorded as lost (one result each) and re-run as new
 * attempts, capped per job (GraphStore.recordLostAttempts, which records a `worker_lost`
 * event per compute node in the same transaction).
 *
 * Why two looks: a Redis that lost its data (FLUSHALL, restart without persistence) drops
 * every heartbeat at once. A live worker sets its key again within one heartbeat interval,
 * so requiring the key to stay missing for `confirmMs` (≥ that interval) tells a flush
 * from a death. Suspicions live in memory: a restarted scheduler just looks twice again.
 *
 * Live workers are asked too: a `running` attempt that its live worker says, in a late enough
 * heartbeat, it does not hold (a start that committed while the worker thinks it failed) is
 * recorded lost the same way, its node left active, with an `attempt_not_held` event
 * (unheld-attempts.ts; issue 9).
 *
 * Besides running attempts, the watchdog looks at (see compute-node-activity.ts and
 * GraphStore.listCanceledAttempts):
 * - the compute nodes of running workflows: a worker that dies while idle gets its active
 *   nodes marked inactive (`worker_inactive`), and one whose heartbeat is back after it was
 *   declared lost gets its nodes marked active again (`worker_returned`);
 * - attempts a cancellation caught running that have no result yet: while their worker
 *   lives their cancellation is announced again on each check (the `cancel` message is
 *   fire-and-forget; a worker cut off from Redis when it went out would otherwise run the
 *   attempt to its end); once their worker is lost they get their `canceled` result.
 */
import type { Logger } from '../core/logger.js';
import type { GraphStore, RunningAttempt } from '../graph/graph-store.js';
import type { HeartbeatReport } from '../queue/heartbeat-report.js';
import type { Notifier } from '../queue/notifications.js';
import { bullJobId } from '../queue/queue-names.js';
import type { WorkerLiveness } from '../queue/worker-heartbeat.js';
import { listWatchedNodes, markNodeInactive, markNodeReturned, type WatchedNode } from './compute-node-activity.js';
import { UnheldAttempts } from './unheld-attempts.js';

/** The message of the result recorded for an attempt its live worker does not hold. */
const NOT_HELD_MESSAGE = 'not held by its worker';

/** Options of {@link LostWorkerWatchdog}. */
export interface LostWorkerWatchdogOptions {
  store: Pick<
    GraphStore,
    | 'listRunningAttempts'
    | 'listCanceledAttempts'
    | 'recordLostAttempts'
    | 'listWorkflowKeys'
    | 'listDocuments'
    | 'writeDocuments'
  >;
  liveness: Pick<WorkerLiveness, 'heartbeats'>;
  /** Announces again the cancellation of attempts a live worker has not reported yet. Absent: not announced again. */
  notifier?: Pick<Notifier, 'publish'>;
  logger: Logger;
  /** How long a heartbeat must stay missing before its worker is declared lost; at least the heartbeat interval. */
  confirmMs: number;
  /** Lost re-runs per job before it fails (`JOBGRAPH_MAX_LOST_RERUNS`), unless the job sets `max_lost_reruns`. */
  maxLostReruns: number;
  /**
   * Most running attempts examined per check.
   * @default 100000
   */
  limit?: number;
}

/** What one check did. */
export interface WatchdogReport {
  /** Worker ids declared lost. */
  lostWorkers: string[];
  /** Attempts re-queued as a new attempt. */
  requeued: number;
  /** Jobs failed because they hit the cap. */
  failed: number;
  /** Of the attempts recorded (requeued or failed), those a live worker did not hold. */
  notHeld: number;
  /** Canceled attempts of lost workers that got their `canceled` result. */
  canceled: number;
  /** Compute nodes of workers gone while idle there, marked inactive. */
  inactive: string[];
  /** Compute nodes of workers whose heartbeat came back, marked active again. */
  returned: string[];
  /** BullMQ ids of canceled attempts whose cancellation was announced again. */
  cancelAnnounced: string[];
  /** Workflows whose jobs changed (the scheduler promotes and checks them for completion). */
  workflows: string[];
}

/** A report of a check that did nothing. */
export function emptyWatchdogReport(): WatchdogReport {
  return {
    lostWorkers: [],
    requeued: 0,
    failed: 0,
    notHeld: 0,
    canceled: 0,
    inactive: [],
    returned: [],
    cancelAnnounced: [],
    workflows: [],
  };
}

/** What the graph says one worker holds. */
interface WorkerHoldings {
  running: RunningAttempt[];
  /** Attempts a cancellation caught running, without a result yet. */
  canceled: RunningAttempt[];
  nodes: WatchedNode[];
}

export class LostWorkerWatchdog {
  /** Worker id → when its heartbeat was first seen missing (ms since epoch). */
  private readonly suspects = new Map<string, number>();
  private readonly unheld = new UnheldAttempts();

  constructor(private readonly opts: LostWorkerWatchdogOptions) {}

  /**
   * One look at every worker with running or canceled attempts or a node in a running
   * workflow. Throws on store or Redis failure (the next pass retries).
   */
  async check(now = Date.now()): Promise<WatchdogReport> {
    const { liveness, logger } = this.opts;
    const report = emptyWatchdogReport();
    const byWorker = await this.holdings();
    for (const id of this.suspects.keys()) if (!byWorker.has(id)) this.suspects.delete(id);
    if (byWorker.size === 0) return report;

    const ids = [...byWorker.keys()];
    // Read after the listing above (one read for liveness and the held attempts): see
    // unheld-attempts.ts for why that order matters.
    const beats = await liveness.heartbeats(ids);
    const alive = beats.map((b) => b !== undefined);
    const lost: string[] = [];
    const toAnnounce: string[] = [];
    for (const [i, id] of ids.entries()) {
      const held = byWorker.get(id)!;
      if (alive[i]) {
        this.suspects.delete(id);
        for (const node of held.nodes)
          if (!node.is_active && (await markNodeReturned(this.opts.store, node)))
            report.returned.push(node.compute_node);
        for (const c of held.canceled) toAnnounce.push(bullJobId(c.workflow, c.job, c.attempt));
        continue;
      }
      // Nothing left to record or mark: a worker long gone, or one that stopped and was marked.
      if (held.running.length + held.canceled.length === 0 && !held.nodes.some((n) => n.is_active)) {
        this.suspects.delete(id);
        continue;
      }
      const since = this.suspects.get(id);
      if (since === undefined) this.suspects.set(id, now);
      else if (now - since >= this.opts.confirmMs) lost.push(id);
    }

    if (toAnnounce.length > 0 && this.opts.notifier) {
      // A failed announcement is retried on the next pass; it must not hold up declaring workers lost.
      try {
        await this.opts.notifier.publish('cancel', toAnnounce);
        report.cancelAnnounced = toAnnounce;
      } catch (err) {
        logger.warn({ err, attempts: toAnnounce.length }, 'could not announce canceled attempts again');
      }
    }
    const workflows = new Set<string>();
    for (const id of lost) await this.declareLost(id, byWorker.get(id)!, report, workflows);

    const live = ids.filter((_, i) => alive[i]);
    if (live.length > 0) {
      const reports = new Map<string, HeartbeatReport | undefined>(
        ids.flatMap((id, i) => (alive[i] ? [[id, beats[i]!.report] as const] : [])),
      );
      const abandoned = this.unheld.judge(
        live.flatMap((id) => byWorker.get(id)!.running),
        reports,
      );
      const byLiveWorker = new Map<string, RunningAttempt[]>();
      for (const a of abandoned) byLiveWorker.set(a.worker_id, [...(byLiveWorker.get(a.worker_id) ?? []), a]);
      for (const [id, attempts] of byLiveWorker) {
        const seq = reports.get(id)?.seq;
        const recorded = await this.record(attempts, { worker_id: id, heartbeat_seq: seq }, report, workflows, true);
        report.notHeld += recorded.length;
        if (recorded.length === 0) continue;
        logger.warn(
          { worker: id, jobs: recorded.map((a) => `${a.workflow}/${a.job}#${a.attempt}`).slice(0, 20) },
          'running attempts their live worker does not hold (a start whose answer it lost) were re-queued',
        );
      }
    }
    report.workflows = [...workflows];
    return report;
  }

  /** Running and unreported canceled attempts, and compute nodes of running workflows, by worker id. */
  private async holdings(): Promise<Map<string, WorkerHoldings>> {
    const { store } = this.opts;
    const limit = this.opts.limit ?? 100_000;
    const [running, canceled, nodes] = await Promise.all([
      store.listRunningAttempts(limit),
      store.listCanceledAttempts(limit),
      listWatchedNodes(store),
    ]);
    const byWorker = new Map<string, WorkerHoldings>();
    const of = (id: string) => {
      let held = byWorker.get(id);
      if (!held) byWorker.set(id, (held = { running: [], canceled: [], nodes: [] }));
      return held;
    };
    for (const r of running) of(r.worker_id).running.push(r);
    for (const c of canceled) of(c.worker_id).canceled.push(c);
    for (const n of nodes) of(n.worker_id).nodes.push(n);
    return byWorker;
  }

  /** Record a lost worker's attempts (store events: `worker_lost`) and mark its other active nodes inactive. */
  private async declareLost(
    id: string,
    held: WorkerHoldings,
    report: WatchdogReport,
    workflows: Set<string>,
  ): Promise<void> {
    const missingSince = new Date(this.suspects.get(id)!).toISOString();
    this.suspects.delete(id);
    report.lostWorkers.push(id);
    // The store writes the `worker_lost` events with the attempts; these are what only the watchdog knows.
    const recorded = await this.record(
      [...held.running, ...held.canceled],
      { worker_id: id, heartbeat_missing_since: missingSince },
      report,
      workflows,
    );
    const marked = new Set(recorded.map((a) => a.compute_node));
    // Nodes where nothing ran at the end: the worker died (or stopped) idle there.
    for (const node of held.nodes)
      if (
        node.is_active &&
        !marked.has(node.compute_node) &&
        (await markNodeInactive(this.opts.store, node, missingSince))
      )
        report.inactive.push(node.compute_node);
    if (recorded.length === 0) return;
    this.opts.logger.warn(
      { worker: id, missingSince, jobs: recorded.map((a) => `${a.workflow}/${a.job}#${a.attempt}`).slice(0, 20) },
      'worker lost: its running attempts were recorded as lost and re-queued (or failed at the cap)',
    );
  }

  /** Record `attempts` lost; count what became of them. @returns the attempts recorded. */
  private async record(
    attempts: RunningAttempt[],
    event: Record<string, unknown>,
    report: WatchdogReport,
    workflows: Set<string>,
    workerAlive = false,
  ): Promise<RunningAttempt[]> {
    const outcomes = await this.opts.store.recordLostAttempts(
      attempts.map(({ workflow, job, attempt, compute_node }) => ({ workflow, job, attempt, compute_node })),
      {
        maxLostReruns: this.opts.maxLostReruns,
        event,
        ...(workerAlive && { workerAlive, message: NOT_HELD_MESSAGE }),
      },
    );
    return attempts.filter((a, i) => {
      const outcome = outcomes[i]!;
      if (!outcome.recorded) return false;
      if (outcome.outcome === 'requeued') report.requeued++;
      else if (outcome.outcome === 'failed') report.failed++;
      else report.canceled++;
      workflows.add(a.workflow);
      return true;
    });
  }
}

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
 */
import type { Logger } from '../core/logger.js';
import type { GraphStore, RunningAttempt } from '../graph/graph-store.js';
import type { HeartbeatReport } from '../queue/heartbeat-report.js';
import type { WorkerLiveness } from '../queue/worker-heartbeat.js';
import { UnheldAttempts } from './unheld-attempts.js';

/** The message of the result recorded for an attempt its live worker does not hold. */
export const NOT_HELD_MESSAGE = 'not held by its worker';

/** Options of {@link LostWorkerWatchdog}. */
export interface LostWorkerWatchdogOptions {
  store: Pick<GraphStore, 'listRunningAttempts' | 'recordLostAttempts'>;
  /** Without `reports`, attempts a live worker does not hold are not looked for. */
  liveness: Pick<WorkerLiveness, 'alive'> & Partial<Pick<WorkerLiveness, 'reports'>>;
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
  /** Workflows whose jobs changed (the scheduler promotes and checks them for completion). */
  workflows: string[];
}

export class LostWorkerWatchdog {
  /** Worker id → when its heartbeat was first seen missing (ms since epoch). */
  private readonly suspects = new Map<string, number>();
  private readonly unheld = new UnheldAttempts();

  constructor(private readonly opts: LostWorkerWatchdogOptions) {}

  /** One look at every running attempt's worker. Throws on store or Redis failure (the next pass retries). */
  async check(now = Date.now()): Promise<WatchdogReport> {
    const { store, liveness, logger } = this.opts;
    const report: WatchdogReport = { lostWorkers: [], requeued: 0, failed: 0, notHeld: 0, workflows: [] };
    const running = await store.listRunningAttempts(this.opts.limit ?? 100_000);
    const byWorker = new Map<string, RunningAttempt[]>();
    for (const r of running) {
      const list = byWorker.get(r.worker_id);
      if (list) list.push(r);
      else byWorker.set(r.worker_id, [r]);
    }
    for (const id of this.suspects.keys()) if (!byWorker.has(id)) this.suspects.delete(id);
    if (byWorker.size === 0) return report;

    const ids = [...byWorker.keys()];
    const alive = await liveness.alive(ids);
    const lost: string[] = [];
    ids.forEach((id, i) => {
      if (alive[i]) {
        this.suspects.delete(id);
        return;
      }
      const since = this.suspects.get(id);
      if (since === undefined) this.suspects.set(id, now);
      else if (now - since >= this.opts.confirmMs) lost.push(id);
    });

    const workflows = new Set<string>();
    for (const id of lost) {
      const missingSince = new Date(this.suspects.get(id)!).toISOString();
      // The store writes the `worker_lost` events with the attempts; these are what only the watchdog knows.
      const recorded = await this.record(
        byWorker.get(id)!,
        { worker_id: id, heartbeat_missing_since: missingSince },
        report,
        workflows,
      );
      this.suspects.delete(id);
      report.lostWorkers.push(id);
      if (recorded.length === 0) continue;
      logger.warn(
        { worker: id, missingSince, jobs: recorded.map((a) => `${a.workflow}/${a.job}#${a.attempt}`).slice(0, 20) },
        'worker lost: its running attempts were recorded as lost and re-queued (or failed at the cap)',
      );
    }

    const live = ids.filter((_, i) => alive[i]);
    if (liveness.reports && live.length > 0) {
      // Read after the listing above: see unheld-attempts.ts for why that order matters.
      const beats = await liveness.reports(live);
      const reports = new Map<string, HeartbeatReport | undefined>(live.map((id, i) => [id, beats[i]]));
      const abandoned = this.unheld.judge(
        live.flatMap((id) => byWorker.get(id)!),
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
      else report.failed++;
      workflows.add(a.workflow);
      return true;
    });
  }
}

/**
 * The worker's pull loop: fill the free resources from the queues it knows to have entries
 * (hinted, or found by a full round at most once per idle poll), start what was taken in one
 * batched API call, run the accepted attempts, report each as it ends, and sleep only when
 * nothing fits or nothing waits — until a job ends, a `queued` hint arrives, or the idle poll
 * fires.
 *
 * Ack rule (recorded decision): a taken queue entry is acked as soon as the API has
 * answered its start, accepted or refused — from then on the graph (`running` + the
 * `executed` edge) is the truth. An entry taken but never started (stop, API down) is
 * acked too: the job stays `queued` in the graph and the scheduler's reconcile re-queues it.
 */
import type { Logger } from '../core/logger.js';
import type { MonitorSettings } from '../core/schemas/resource-usage.js';
import type { ConsumerQueue, JobConsumer, TakenJob } from '../queue/job-consumer.js';
import { parseQueueName } from '../queue/queue-names.js';
import { fitsInTime, type ResourceClass } from '../queue/resource-class.js';
import type { AttemptReporter, CompleteAnswer } from './attempt-reporter.js';
import type { FailureHandlerLookup } from './failure-recovery.js';
import type { GpuDevice } from './gpu-discovery.js';
import type { Lease, LeaseNotice } from './lease.js';
import type { ProcessLauncher } from './process-launcher.js';
import type { ProcessTableSource } from './process-tree.js';
import type { GpuUsageSource } from './gpu-process-usage.js';
import type { Reservation, ResourceLedger } from './resource-ledger.js';
import { runAcceptedAttempt, type Accepted, type RunningEntry } from './run-attempt.js';
import { WakeSignal } from './wake-signal.js';

/** What the loop works with; built by `startWorker`. */
export interface PullLoopDeps {
  consumer: Pick<JobConsumer, 'waitingQueues' | 'take' | 'ack'>;
  reporter: AttemptReporter;
  ledger: ResourceLedger;
  logger: Logger;
  apiUrl: string;
  cwd: string;
  logDir: string;
  idlePollMs: number;
  terminateGraceMs?: number;
  /** Starts job processes (default: spawn from this process). */
  launcher?: ProcessLauncher;
  /** Serve only this workflow. */
  workflow?: string;
  /** With `workflow`: asked when idle; true ends the loop. */
  workflowFinished?: () => Promise<boolean>;
  /** Finds failure handlers, to run recovery scripts before retried failures are reported. */
  failureHandlers?: FailureHandlerLookup;
  /** When the node goes away: only jobs that can finish before are taken (absent: no end). */
  lease?: Lease;
  /** Most attempts running at once (torc's `max_parallel_jobs`). @default no limit */
  maxParallelJobs?: number;
  /** With nothing running and nothing taken for this long, the loop ends (`idle`). @default never */
  idleExitMs?: number;
  /** A workflow's resource monitoring and memory limit. @default DEFAULT_MONITOR_SETTINGS for every workflow */
  monitorSettings?: (workflow: string) => Promise<MonitorSettings>;
  /** Who made the GPUs the ledger hands out (which variables confine a job to its own). @default 'nvidia' */
  gpuVendor?: GpuDevice['vendor'];
  /** The /proc scans the monitors of running attempts share (process-tree.ts). */
  processTable?: ProcessTableSource;
  /** nvidia-smi readings the monitors of running GPU attempts share (gpu-process-usage.ts). */
  gpuUsage?: GpuUsageSource;
}

/** Why the loop ended. */
export type LoopEnd = 'finished' | 'stopped' | 'idle' | 'expired';

/** Most entries of one queue asked for at once (see PullLoop.takeFrom). */
const TAKE_BURST = 16;

/** Canceled attempt ids remembered for attempts not yet launched (see PullLoop.cancel). */
const MAX_REMEMBERED_CANCELS = 1000;

/** Larger classes first, so big jobs are not starved by a stream of small ones. */
function largestFirst(a: ResourceClass, b: ResourceClass): number {
  return b.num_gpus - a.num_gpus || b.num_cpus - a.num_cpus || b.memory_bytes - a.memory_bytes;
}

export class PullLoop {
  readonly signal = new WakeSignal();
  private readonly running = new Map<string, RunningEntry>();
  private readonly executions = new Set<Promise<void>>();
  /**
   * The queues that may have entries waiting: hinted (`queued`), or found waiting by the last full
   * round. A slot that frees is filled from them without listing and counting every queue (a
   * round trip per job of a sweep, per link of a chain); a take that finds one empty removes it.
   * Kept while nothing fits: a slot freed later finds them here. The hint number of each is
   * that of its last hint (see {@link PullLoop.fullRound}).
   */
  private readonly known = new Map<string, { queue: ConsumerQueue; hint: number }>();
  /** Hints heard so far. */
  private hints = 0;
  /**
   * When the last full round began. Full rounds list every registered queue with its waiting
   * entries; one is made at most once per idle poll (at the first chance after it), for queues
   * whose hint was lost. 0: the next round is a full one.
   */
  private lastFullRound = 0;
  private stopping = false;
  /** Why the stop interrupts (an attempt whose start was in flight at the stop gets it too). */
  private stopInterrupt: string | undefined;
  /** Why the worker is fenced (see {@link PullLoop.fence}); undefined while it is not. */
  private fencedFor: string | undefined;
  /** Canceled attempt ids not running here (yet), oldest first; see {@link PullLoop.cancel}. */
  private readonly canceledIds = new Set<string>();
  /** Attempts launched here whose completion report the API has not answered yet. */
  private unanswered = 0;
  /** Until when a job this worker's completion made ready is expected in a queue (ms since the epoch). */
  private workExpectedUntil = 0;

  constructor(private readonly deps: PullLoopDeps) {
    deps.lease?.onNotice((notice) => this.onLeaseNotice(notice));
  }

  /** Attempts running now. */
  get runningCount(): number {
    return this.running.size;
  }

  /**
   * A `queued` hint: entries were added to `queues`. They become known queues (taken from
   * without listing and counting every queue). Queues of other workflows than the served one
   * are ignored.
   */
  hint(queues: string[]): void {
    let relevant = false;
    for (const name of queues) {
      const parsed = parseQueueName(name);
      if (!parsed || (this.deps.workflow !== undefined && parsed.workflow !== this.deps.workflow)) continue;
      this.known.set(name, { queue: { name, ...parsed }, hint: ++this.hints });
      relevant = true;
    }
    if (relevant) this.signal.wake();
  }

  /**
   * A `cancel` announcement (BullMQ job ids): terminate the attempts among `ids` running
   * here; each is still reported, and the store records it `canceled`. Other ids are
   * remembered for a while: an attempt whose start was accepted just before the cancel is
   * launched after the announcement arrives, and must not run.
   */
  cancel(ids: string[]): void {
    for (const id of ids) {
      const entry = this.running.get(id);
      if (entry) {
        // The scheduler announces a cancellation again until the attempt is reported: once is enough here.
        if (!entry.terminate) {
          this.deps.logger.info({ id }, 'terminating a canceled job');
          this.terminate(entry, undefined);
        }
        continue;
      }
      this.canceledIds.add(id);
      // Announcements cover every worker's attempts; keep only the most recent ones.
      if (this.canceledIds.size > MAX_REMEMBERED_CANCELS)
        this.canceledIds.delete(this.canceledIds.values().next().value!);
    }
  }

  /**
   * Self-fencing (src/worker/heartbeat-fence.ts): the heartbeat has not been renewed for too
   * long and the scheduler may soon run this worker's attempts elsewhere. Terminate them now
   * (SIGTERM, grace, SIGKILL), reported as interrupted for `reason` — the job runs again as the
   * next attempt, or, when the worker was declared lost first, the late report is refused —
   * and take nothing until {@link PullLoop.unfence}.
   */
  fence(reason: string): void {
    this.fencedFor = reason;
    for (const r of this.running.values()) this.terminate(r, reason);
  }

  /** The heartbeat renews again: take work again. */
  unfence(): void {
    this.fencedFor = undefined;
    this.signal.wake();
  }

  /** Wake the loop. */
  wake(): void {
    this.signal.wake();
  }

  /**
   * Run until `stop()`; with a workflow, until it is finished; with `idleExitMs`, until idle
   * that long; with a lease, until no job can start any more and nothing runs.
   * @returns why it ended.
   */
  async run(): Promise<LoopEnd> {
    const { logger, idlePollMs, lease, idleExitMs } = this.deps;
    let idleSince = Date.now();
    while (!this.stopping) {
      let took = 0;
      try {
        if (this.fencedFor === undefined) took = await this.fill();
      } catch (err) {
        if (this.stopping) break;
        logger.warn({ err }, 'pulling jobs failed; retrying after the idle poll');
      }
      if (this.stopping) break;
      if (took > 0 || this.running.size > 0) idleSince = Date.now();
      if (took > 0) this.workExpectedUntil = 0;
      // A round that took entries is followed at once by another (room may be left, and more waiting).
      if (took > 0) continue;
      if (this.running.size === 0) {
        // Asked only once this worker's own completions are recorded, and not while a job one
        // of them made ready is on its way to a queue (each link of a chain would ask again).
        if (this.deps.workflowFinished && this.unanswered === 0 && Date.now() >= this.workExpectedUntil) {
          const finished = await this.deps.workflowFinished().catch((err: unknown) => {
            logger.warn({ err }, 'could not read the workflow status');
            return false;
          });
          if (finished && this.running.size === 0) return 'finished';
        }
        if (lease?.secondsForNewJobs() === 0) return 'expired';
        if (idleExitMs !== undefined && Date.now() - idleSince >= idleExitMs) return 'idle';
      }
      await this.signal.wait(idlePollMs);
    }
    return 'stopped';
  }

  /**
   * Take no new jobs; terminate the running ones (each is still reported, `terminated`, and
   * with `interrupt` as an interrupted attempt that runs again elsewhere); resolves once every
   * attempt has ended and its report was handed to the reporter.
   */
  async stop(interrupt?: string): Promise<void> {
    this.stopping = true;
    this.stopInterrupt = interrupt;
    this.signal.wake();
    for (const r of this.running.values()) this.terminate(r, interrupt);
    while (this.executions.size > 0) await Promise.allSettled([...this.executions]);
  }

  /**
   * The node goes away at `notice.at`: attempts that cannot end before it (started + runtime
   * limit past it) are terminated now as interrupted, so they run again elsewhere at once
   * rather than die with the node; the others may finish.
   */
  private onLeaseNotice(notice: LeaseNotice): void {
    for (const r of this.running.values())
      if (this.deps.lease?.cutShort(r.startedAt, r.taken.payload.resources.runtime_s) !== undefined)
        this.terminate(r, notice.reason);
    this.signal.wake();
  }

  private terminate(r: RunningEntry, interrupt: string | undefined): void {
    r.terminate = true;
    if (interrupt !== undefined) r.interrupted ??= interrupt;
    void r.run?.terminate();
  }

  /**
   * One round: take what fits, start it all in one batched API call, launch the accepted attempts.
   * @returns entries taken.
   */
  private async fill(): Promise<number> {
    const { consumer, ledger, logger } = this.deps;
    const queues = (await this.candidateQueues()).sort((a, b) => largestFirst(a.resourceClass, b.resourceClass));
    const taken: Array<{ taken: TakenJob; held: Reservation }> = [];
    try {
      for (const queue of queues) await this.takeFrom(queue, taken);
    } catch (err) {
      // Whatever was taken before the failure still goes through the start below; the next
      // round is a full one (which waits an idle poll if Redis is still failing).
      this.lastFullRound = 0;
      logger.warn({ err }, 'taking from a queue failed');
    }
    if (taken.length === 0) return 0;
    if (this.stopping || this.fencedFor !== undefined) {
      await this.giveBack(taken, this.stopping ? 'worker stopping' : 'worker fenced');
      return taken.length;
    }
    // Submitted in one tick: the reporter sends them as one batch.
    const answers = await Promise.allSettled(
      taken.map(({ taken: t }) =>
        this.deps.reporter.start({ workflow: t.payload.workflow, job: t.payload.job, attempt: t.payload.attempt }),
      ),
    );
    await Promise.all(
      taken.map(async ({ taken: t, held }, i) => {
        const answer = answers[i]!;
        // A worker bound to a workflow has it in its own bindings already.
        const log = logger.child({
          ...(this.deps.workflow === undefined ? { workflow: t.payload.workflow } : {}),
          job: t.payload.job,
          attempt: t.payload.attempt,
        });
        if (answer.status === 'fulfilled' && answer.value.ok) {
          this.launch(t, answer.value, held, log);
        } else {
          ledger.release(held);
          if (answer.status === 'rejected')
            log.warn({ err: answer.reason }, 'start failed; the scheduler will re-queue the job');
          else if (!answer.value.ok)
            log.debug({ reason: answer.value.reason }, 'start refused; dropping the queue entry');
        }
        await consumer.ack(t).catch((err: unknown) => log.warn({ err }, 'could not ack a queue entry'));
      }),
    );
    return taken.length;
  }

  /**
   * Queues worth taking from now: the known ones whose class fits what is free, after a full
   * round when one is due. None while no CPU or slot is free.
   */
  private async candidateQueues(): Promise<ConsumerQueue[]> {
    const { ledger } = this.deps;
    // Every class needs a CPU and a slot: with none free, nothing can be taken, and a round trip
    // to list the queues would be wasted (after each take that filled the last slot).
    if (!this.hasRoom()) return [];
    if (Date.now() - this.lastFullRound >= this.deps.idlePollMs) await this.fullRound();
    return [...this.known.values()]
      .map(({ queue }) => queue)
      .filter(
        (q) =>
          ledger.fits(q.resourceClass) && fitsInTime(q.resourceClass.runtime_s, this.deps.lease?.secondsForNewJobs()),
      );
  }

  /**
   * List every registered queue (of the served workflow) with its waiting entries, in one round
   * trip: those with entries become known, those without are forgotten — unless hinted while the
   * list was read (their entries came after it was).
   */
  private async fullRound(): Promise<void> {
    this.lastFullRound = Date.now();
    const hintsBefore = this.hints;
    for (const { waiting, ...queue } of await this.deps.consumer.waitingQueues(this.deps.workflow)) {
      if (waiting > 0) {
        if (!this.known.has(queue.name)) this.known.set(queue.name, { queue, hint: 0 });
      } else if ((this.known.get(queue.name)?.hint ?? 0) <= hintsBefore) {
        this.known.delete(queue.name);
      }
    }
  }

  /** Whether a CPU and a slot under max-parallel-jobs are free, besides the `taking` entries being taken. */
  private hasRoom(taking = 0): boolean {
    const { maxParallelJobs } = this.deps;
    if (maxParallelJobs !== undefined && this.running.size + taking >= maxParallelJobs) return false;
    return this.deps.ledger.free.num_cpus >= 1;
  }

  /**
   * Take from `queue` while its class fits what is free, several entries at once: two at first, so
   * that the take that finds the queue empty costs no round trip of its own before the start (one
   * per link of a chain), then twice as many each time all came (up to {@link TAKE_BURST}), so that
   * a large worker fills its slots in a few round trips without asking an almost empty queue for
   * an entry per free slot.
   */
  private async takeFrom(queue: ConsumerQueue, out: Array<{ taken: TakenJob; held: Reservation }>): Promise<void> {
    const { consumer, ledger } = this.deps;
    for (let burst = 2; ; burst = Math.min(2 * burst, TAKE_BURST)) {
      // fits() is checked before each reservation and nothing else reserves concurrently.
      const held: Reservation[] = [];
      while (
        !this.stopping &&
        this.fencedFor === undefined &&
        held.length < burst &&
        ledger.fits(queue.resourceClass) &&
        this.hasRoom(out.length + held.length)
      )
        held.push(ledger.reserve(queue.resourceClass)!);
      if (held.length === 0) return;
      const hintsBefore = this.hints;
      const answers = await Promise.allSettled(held.map(() => consumer.take(queue.name)));
      let drained = false;
      let failure: unknown;
      answers.forEach((answer, i) => {
        if (answer.status === 'fulfilled' && answer.value) out.push({ taken: answer.value, held: held[i]! });
        else {
          ledger.release(held[i]!);
          if (answer.status === 'rejected') failure ??= answer.reason;
          else drained = true;
        }
      });
      if (failure !== undefined) throw failure;
      if (drained) {
        this.forgetDrained(queue.name, hintsBefore);
        return;
      }
    }
  }

  /** A take found `name` empty: forget it, unless a hint came for it while the take was on its way. */
  private forgetDrained(name: string, hintsBefore: number): void {
    if ((this.known.get(name)?.hint ?? 0) <= hintsBefore) this.known.delete(name);
  }

  private async giveBack(taken: Array<{ taken: TakenJob; held: Reservation }>, why: string): Promise<void> {
    await Promise.all(
      taken.map(async ({ taken: t, held }) => {
        this.deps.ledger.release(held);
        await this.deps.consumer.ack(t).catch(() => undefined);
        this.deps.logger.debug({ job: t.payload.job, why }, 'queue entry given back to the scheduler');
      }),
    );
  }

  /**
   * A completion report was answered: when it made jobs ready (or sent its job back for another
   * attempt), their `queued` hint will wake the loop; otherwise the loop wakes to ask whether the
   * workflow is over. A lost hint costs at most an idle poll.
   */
  private onReported(answer: CompleteAnswer | undefined): void {
    this.unanswered--;
    if (answer?.ok && (answer.newly_ready > 0 || answer.next_attempt !== undefined))
      this.workExpectedUntil = Date.now() + this.deps.idlePollMs;
    else this.signal.wake();
  }

  /** Why an attempt launched now must be interrupted: fenced, or stopping with a reason. */
  private interruptionOf(): string | undefined {
    return this.fencedFor ?? (this.stopping ? this.stopInterrupt : undefined);
  }

  private launch(taken: TakenJob, accepted: Accepted, held: Reservation, log: Logger): void {
    const entry: RunningEntry = {
      taken,
      terminate: this.canceledIds.delete(taken.id),
      startedAt: Date.now(),
      gpuIds: held.gpu_ids,
    };
    this.running.set(taken.id, entry);
    // A fence or stop that came while the start was in flight ends this attempt too (a node end
    // it cannot outlast is checked just before its process starts: runAcceptedAttempt).
    const interrupt = this.interruptionOf();
    if (interrupt !== undefined || this.stopping) this.terminate(entry, interrupt);
    this.unanswered++;
    const execution = runAcceptedAttempt(this.deps, entry, accepted, log, (answer) => this.onReported(answer))
      // It never rejects (a rejection would mean its report was never handed over).
      .catch(() => this.onReported(undefined))
      .finally(() => {
        this.running.delete(taken.id);
        this.deps.ledger.release(held);
        this.executions.delete(execution);
        this.signal.wake();
      });
    this.executions.add(execution);
  }
}

/**
 * The backstop for attempts `running` in the graph that their live worker does not hold
 * (issue 9): a start that committed while the worker believes it failed (its answer lost and
 * every retry failed), so nothing will ever run or report that attempt. Each worker lists the
 * attempts it holds in its heartbeat (queue/heartbeat-report.ts); this rule decides, from
 * what the scheduler sees on successive passes, which running attempts are abandoned.
 *
 * The race: a worker adds an attempt to its list before it sends the start, but a beat built
 * just before that can be read after the start committed — the attempt missing from it proves
 * nothing. Clocks of the worker and the API cannot be compared either. Beat numbers can: a
 * worker builds beat n + 1 only after beat n is written, so when the scheduler reads beat n
 * (after it listed the attempt as running, so after the start committed and after the worker
 * listed it), beat n + 1 may still have been built before — but beat n + 2 was built after
 * beat n + 1 was written, which is after that read. An attempt missing from beat n and from a
 * beat numbered n + 2 or more is therefore not held. Suspicions live in memory: a restarted
 * scheduler just looks again.
 */
import type { RunningAttempt } from '../graph/graph-store.js';
import { heldAttemptId, type HeartbeatReport } from '../queue/heartbeat-report.js';

/** Beats between the first one seen without the attempt and the one that confirms it (see above). */
const CONFIRMING_BEATS = 2;

export class UnheldAttempts {
  /** Attempt id → the worker and the beat number first seen without it. */
  private readonly suspects = new Map<string, { worker: string; seq: number }>();

  /**
   * One look. `running` are the running attempts of live workers; `reports` their workers'
   * heartbeats by worker id. Returns the attempts now known not to be held by their worker.
   * Workers without a list (older ones, or a list too long to send) are never judged.
   */
  judge(
    running: readonly RunningAttempt[],
    reports: ReadonlyMap<string, HeartbeatReport | undefined>,
  ): RunningAttempt[] {
    const seen = new Set<string>();
    const abandoned: RunningAttempt[] = [];
    for (const a of running) {
      const id = heldAttemptId(a);
      seen.add(id);
      const report = reports.get(a.worker_id);
      if (!report?.held || report.held.has(id)) {
        this.suspects.delete(id);
        continue;
      }
      const suspect = this.suspects.get(id);
      // A lower number than before: the worker's beats started again (a new process); look afresh.
      if (!suspect || suspect.worker !== a.worker_id || report.seq < suspect.seq) {
        this.suspects.set(id, { worker: a.worker_id, seq: report.seq });
      } else if (report.seq >= suspect.seq + CONFIRMING_BEATS) {
        abandoned.push(a);
        this.suspects.delete(id);
      }
    }
    for (const id of this.suspects.keys()) if (!seen.has(id)) this.suspects.delete(id);
    return abandoned;
  }
}

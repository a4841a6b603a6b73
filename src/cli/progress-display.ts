/**
 * The live progress bar of `jobgraph run` on a terminal: finished jobs out of all, with
 * running and failed counts. Polls the store (cheap: indexed status counts).
 */
import { SingleBar } from 'cli-progress';
import { FINAL_JOB_STATUSES, type JobStatus } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';

export function startProgressDisplay(
  store: GraphStore,
  workflow: string,
  stream: NodeJS.WriteStream,
  intervalMs = 200,
) {
  const bar = new SingleBar({
    format: ' {bar} {value}/{total} jobs done | {running} running | {failed} failed',
    stream,
    hideCursor: true,
    clearOnComplete: false,
    barCompleteChar: '█',
    barIncompleteChar: '░',
  });
  let started = false;
  const tick = async () => {
    const counts = await store.statusCounts(workflow);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const done = (Object.entries(counts) as Array<[JobStatus, number]>)
      .filter(([s]) => FINAL_JOB_STATUSES.has(s))
      .reduce((a, [, n]) => a + n, 0);
    const payload = { running: counts.running, failed: counts.failed + counts.terminated + counts.canceled };
    if (!started) {
      bar.start(total, done, payload);
      started = true;
    } else bar.update(done, payload);
  };
  const timer = setInterval(() => void tick().catch(() => undefined), intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await tick().catch(() => undefined);
      if (started) bar.stop();
    },
  };
}

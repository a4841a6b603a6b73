import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { AttemptReporter, type CompleteItem } from './attempt-reporter.js';
import { directLauncher, type ProcessExit, type ProcessLauncher } from './process-launcher.js';
import type { PullLoopDeps } from './pull-loop.js';
import { ResourceLedger } from './resource-ledger.js';
import { runAcceptedAttempt, type Accepted, type RunningEntry } from './run-attempt.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobgraph-run-attempt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Real processes; `onExit` hears each exit before the attempt's runner does. */
function launcherSeeingExits(onExit: (exit: ProcessExit) => void): ProcessLauncher {
  return {
    async launch(request) {
      const launched = await directLauncher.launch(request);
      return { pid: launched.pid, exited: launched.exited.then((exit) => (onExit(exit), exit)) };
    },
    close: async () => {},
  };
}

/** Run `command` as one accepted attempt; resolves with the completion it reported. */
async function runOne(command: string, launcher: ProcessLauncher, entry: RunningEntry): Promise<CompleteItem> {
  const reported: CompleteItem[] = [];
  const reporter = new AttemptReporter({
    sendStarts: async () => [],
    sendCompletes: async (items) => {
      reported.push(...items);
      return items.map((i) => ({
        ok: true as const,
        duplicate: false,
        result: `${i.job}-a${i.attempt}`,
        newly_ready: 0,
      }));
    },
  });
  const deps: PullLoopDeps = {
    consumer: { waitingQueues: async () => [], take: async () => undefined, ack: async () => {} },
    reporter,
    ledger: new ResourceLedger({ num_cpus: 1, memory_bytes: 1e9, num_gpus: 0 }),
    logger: silentLogger,
    apiUrl: 'http://127.0.0.1:9',
    cwd: dir,
    logDir: join(dir, 'logs'),
    idlePollMs: 50,
    launcher,
  };
  const accepted: Accepted = { ok: true, compute_node: 'wf-w1', job: { _key: 'j1', name: 'j1', command } };
  const answered = new Promise<void>((resolve) =>
    runAcceptedAttempt(deps, entry, accepted, silentLogger, () => resolve()),
  );
  await answered;
  expect(reported).toHaveLength(1);
  return reported[0]!;
}

function newEntry(): RunningEntry {
  const payload = {
    workflow: 'wf',
    job: 'j1',
    attempt: 1,
    resources: { num_cpus: 1, memory_bytes: 0, num_gpus: 0, num_nodes: 1, runtime_s: 0 },
  };
  return { taken: { queue: 'q', id: 'wf.j1.1', payload }, terminate: false, startedAt: Date.now(), gpuIds: [] };
}

/** What the worker's stop does to a running entry (pull-loop.ts `terminate`). */
function stopMarks(entry: RunningEntry): void {
  entry.terminate = true;
  entry.interrupted ??= 'received SIGTERM';
}

// Slurm's SIGTERM reaches the job and the worker at once; the job's exit and the worker's stop
// may reach the attempt in either order.
describe('a job killed by a SIGTERM the worker did not send', () => {
  it('is interrupted when the stop comes after its exit but before the attempt looks at it', async () => {
    const entry = newEntry();
    const report = await runOne(
      'kill -TERM $$',
      launcherSeeingExits(() => stopMarks(entry)),
      entry,
    );
    expect(report).toMatchObject({ status: 'terminated', return_code: 143, interrupted: true });
    expect(report.message).toBe('interrupted: received SIGTERM');
  });

  it('is interrupted when the stop comes while it waits for one', async () => {
    const entry = newEntry();
    const launcher = launcherSeeingExits(() => void setTimeout(() => stopMarks(entry), 200));
    const report = await runOne('kill -TERM $$', launcher, entry);
    expect(report).toMatchObject({ status: 'terminated', return_code: 143, interrupted: true });
  });

  it('is its own failure when no stop comes', async () => {
    const report = await runOne('kill -TERM $$', directLauncher, newEntry());
    expect(report).toMatchObject({ status: 'failed', return_code: 143 });
    expect(report.interrupted).toBeUndefined();
  });
});

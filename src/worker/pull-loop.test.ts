/**
 * The pull loop's choice of queues and the order of take, start and launch, against queues,
 * processes and an API held in memory: which round trips a slot that frees costs, and what a
 * launch waits for. (The loop against real Redis and the API: test/integration/worker.test.ts.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../core/logger.js';
import { DEFAULT_MONITOR_SETTINGS } from '../core/schemas/resource-usage.js';
import type { ConsumerQueue, TakenJob } from '../queue/job-consumer.js';
import { parseQueueName, queueName } from '../queue/queue-names.js';
import { resourceClassName } from '../queue/resource-class.js';
import { AttemptReporter } from './attempt-reporter.js';
import type { ProcessExit, ProcessLauncher } from './process-launcher.js';
import { PullLoop, type PullLoopDeps } from './pull-loop.js';
import { ResourceLedger } from './resource-ledger.js';

const WORKFLOW = 'wf';
const RESOURCES = { num_cpus: 1, memory_bytes: 1024 ** 2, num_gpus: 0, num_nodes: 1, runtime_s: 0 };

/** A queue of WORKFLOW; `variant` tells queues of the same class apart (a runtime of `variant` s). */
function queueOf(variant: number): string {
  return queueName(WORKFLOW, resourceClassName({ ...RESOURCES, runtime_s: variant }));
}

/** Something to wait for: `promise` resolves once `resolve` is called. */
function later<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Queues in memory, counting full rounds; a take that finds a queue empty can be held until released. */
type Consumer = PullLoopDeps['consumer'];

class MemoryQueues implements Consumer {
  readonly entries = new Map<string, TakenJob[]>();
  fullRounds = 0;
  /** Takes asked for and not yet answered, now and at most. */
  private inFlight = 0;
  maxInFlight = 0;
  /** Per queue, the next take that finds it empty: held until `release` (its answer was decided when it was asked). */
  private readonly holds = new Map<string, { asked: () => void; release: Promise<void> }>();
  /** Releases of the holds made, for the end of a test that failed while one was held. */
  readonly releases: Array<() => void> = [];

  add(queue: string, job: string): void {
    const { workflow, resourceClass } = parseQueueName(queue)!;
    const entry: TakenJob = {
      queue,
      id: `${workflow}.${job}.1`,
      payload: { workflow, job, name: job, attempt: 1, resources: { ...resourceClass } },
    };
    this.entries.set(queue, [...(this.entries.get(queue) ?? []), entry]);
  }

  /** Hold the next take that finds `queue` empty. @returns when it is asked, and its release. */
  holdEmptyTake(queue: string): { asked: Promise<void>; release: () => void } {
    const asked = later();
    const release = later();
    this.holds.set(queue, { asked: asked.resolve, release: release.promise });
    this.releases.push(() => release.resolve());
    return { asked: asked.promise, release: release.resolve };
  }

  async waitingQueues(): Promise<Array<ConsumerQueue & { waiting: number }>> {
    this.fullRounds++;
    return [...this.entries].map(([name, list]) => ({ name, ...parseQueueName(name)!, waiting: list.length }));
  }

  async take(queue: string): Promise<TakenJob | undefined> {
    this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
    // Answered in a later tick, as a round trip is: takes asked for together are in flight together.
    await Promise.resolve();
    this.inFlight--;
    const taken = this.entries.get(queue)?.shift();
    const hold = taken ? undefined : this.holds.get(queue);
    if (hold) {
      this.holds.delete(queue);
      hold.asked();
      await hold.release;
    }
    return taken;
  }

  async ack(): Promise<void> {}
}

/** Job processes that end when the test says so (`end`); `launched` hears each launch. */
class HeldProcesses implements ProcessLauncher {
  readonly launched: string[] = [];
  private readonly exits = new Map<string, (exit: ProcessExit) => void>();
  private readonly waiting = new Map<string, () => void>();
  private nextPid = 2 ** 22 + 1000; // above any pid: signals to its group find nothing

  async launch(request: Parameters<ProcessLauncher['launch']>[0]) {
    const job = request.env.JOBGRAPH_JOB!;
    const exited = new Promise<ProcessExit>((resolve) => this.exits.set(job, resolve));
    this.launched.push(job);
    this.waiting.get(job)?.();
    return { pid: this.nextPid++, exited };
  }

  /** Resolves once `job` has been launched. */
  whenLaunched(job: string): Promise<void> {
    if (this.launched.includes(job)) return Promise.resolve();
    return new Promise((resolve) => this.waiting.set(job, resolve));
  }

  end(job: string): void {
    this.exits.get(job)!({ code: 0, signal: null });
  }

  endAll(): void {
    for (const exit of this.exits.values()) exit({ code: 0, signal: null });
  }

  async close(): Promise<void> {}
}

let dir: string;
let loop: PullLoop | undefined;
let ran: Promise<unknown> | undefined;
let queues: MemoryQueues;
let processes: HeldProcesses;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jobgraph-pull-loop-'));
  queues = new MemoryQueues();
  processes = new HeldProcesses();
});
afterEach(async () => {
  // A failed test may have left a take held or a process running.
  for (const release of queues.releases) release();
  processes.endAll();
  await loop?.stop();
  await ran;
  loop = undefined;
  await rm(dir, { recursive: true, force: true });
});

/** A loop on `cpus` CPUs over `queues` and `processes`, with an idle poll too long to matter; started. */
function startLoop(cpus: number): PullLoop {
  const reporter = new AttemptReporter({
    sendStarts: async (items) =>
      items.map((i) => ({ ok: true as const, compute_node: 'wf-w1', job: { _key: i.job, name: i.job, command: 'x' } })),
    sendCompletes: async (items) =>
      items.map((i) => ({ ok: true as const, duplicate: false, result: `${i.job}-a1`, newly_ready: 0 })),
  });
  loop = new PullLoop({
    consumer: queues,
    reporter,
    ledger: new ResourceLedger({ num_cpus: cpus, memory_bytes: cpus * 1024 ** 3, num_gpus: 0 }),
    logger: silentLogger,
    apiUrl: 'http://127.0.0.1:9',
    cwd: dir,
    logDir: join(dir, 'logs'),
    idlePollMs: 60_000,
    launcher: processes,
    workflow: WORKFLOW,
    monitorSettings: async () => ({ ...DEFAULT_MONITOR_SETTINGS, enabled: false }),
  });
  ran = loop.run();
  return loop;
}

describe('PullLoop', () => {
  it('asks for two entries at once: the take that finds the queue empty goes with the one before', async () => {
    queues.add(queueOf(1), 'a');
    startLoop(2);
    await processes.whenLaunched('a');
    expect(queues.maxInFlight).toBe(2);
    processes.end('a');
  });

  it('asks a queue for two entries at first on a large worker, for more once all came', async () => {
    queues.add(queueOf(1), 'a');
    startLoop(8);
    await processes.whenLaunched('a');
    // One entry waits: two takes in flight, not one per free CPU.
    expect(queues.maxInFlight).toBe(2);
    for (const job of ['b', 'c', 'd', 'e', 'f', 'g', 'h']) queues.add(queueOf(1), job);
    loop!.hint([queueOf(1)]);
    for (const job of ['b', 'c', 'd', 'e', 'f', 'g', 'h']) await processes.whenLaunched(job);
    // 7 free CPUs: 2, then 4 at once, then the last one.
    expect(queues.maxInFlight).toBe(4);
    processes.endAll();
  });

  it('takes from the queues it knows when a slot frees, without listing every queue again', async () => {
    for (const job of ['a', 'b', 'c']) queues.add(queueOf(1), job);
    startLoop(1);
    for (const job of ['a', 'b', 'c']) {
      await processes.whenLaunched(job);
      processes.end(job);
    }
    expect(queues.fullRounds).toBe(1);
  });

  it('keeps a hint heard while no CPU is free, and takes from its queue when one frees', async () => {
    queues.add(queueOf(1), 'a');
    const pull = startLoop(1);
    await processes.whenLaunched('a');
    queues.add(queueOf(2), 'b');
    pull.hint([queueOf(2)]);
    processes.end('a');
    await processes.whenLaunched('b');
    processes.end('b');
    // Only the first round listed the queues: b's queue was known from its hint.
    expect(queues.fullRounds).toBe(1);
  });

  it('keeps a queue hinted while the take that found it empty was on its way', async () => {
    queues.add(queueOf(1), 'a');
    const pull = startLoop(2);
    // a is taken; the take asked with it finds the queue empty, and is held while b arrives with its hint.
    const held = queues.holdEmptyTake(queueOf(1));
    await held.asked;
    queues.add(queueOf(1), 'b');
    pull.hint([queueOf(1)]);
    held.release();
    await processes.whenLaunched('a');
    await processes.whenLaunched('b');
    processes.end('a');
    processes.end('b');
    expect(queues.fullRounds).toBe(1);
  });
});

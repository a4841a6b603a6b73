import { describe, expect, it } from 'vitest';
import { UnavailableError, ValidationError } from '../core/errors.js';
import { AttemptReporter, type CompleteAnswer, type CompleteItem, type StartItem } from './attempt-reporter.js';

/** A send function whose calls the test answers by hand. */
function manualSend<T, R>() {
  const calls: Array<{ items: T[]; resolve: (r: R[]) => void; reject: (e: unknown) => void }> = [];
  const send = (items: T[]) => new Promise<R[]>((resolve, reject) => calls.push({ items, resolve, reject }));
  return { calls, send };
}

const tick = () => new Promise((r) => setImmediate(r));

function result(job: string): CompleteItem {
  return {
    workflow: 'wf',
    job,
    attempt: 1,
    status: 'completed',
    return_code: 0,
    exec_time_s: 0.1,
    completion_time: new Date(0).toISOString(),
    compute_node: 'wf-w1',
  };
}

describe('AttemptReporter', () => {
  it('batches completions that arrive while one is in flight', async () => {
    const { calls, send } = manualSend<CompleteItem, CompleteAnswer>();
    const reporter = new AttemptReporter({ sendStarts: async () => [], sendCompletes: send });
    const p1 = reporter.complete(result('a'));
    await tick();
    const p2 = reporter.complete(result('b'));
    const p3 = reporter.complete(result('c'));
    await tick();
    expect(calls.map((c) => c.items.map((i) => i.job))).toEqual([['a']]);
    const ok = (job: string): CompleteAnswer => ({ ok: true, duplicate: false, result: `${job}-a1`, newly_ready: 0 });
    calls[0]!.resolve([ok('a')]);
    await tick();
    expect(calls.map((c) => c.items.map((i) => i.job))).toEqual([['a'], ['b', 'c']]);
    calls[1]!.resolve([ok('b'), ok('c')]);
    expect((await Promise.all([p1, p2, p3])).map((a) => a.ok && a.result)).toEqual(['a-a1', 'b-a1', 'c-a1']);
  });

  it('never loses a completion: keeps retrying while the API is unavailable', async () => {
    let failures = 0;
    const received: string[] = [];
    const reporter = new AttemptReporter({
      sendStarts: async () => [],
      sendCompletes: async (items) => {
        if (failures++ < 5) throw new UnavailableError('api down');
        received.push(...items.map((i) => i.job));
        return items.map((i) => ({ ok: true as const, duplicate: false, result: `${i.job}-a1`, newly_ready: 0 }));
      },
      retryBaseMs: 1,
      retryMaxMs: 2,
    });
    const answers = await Promise.all([reporter.complete(result('x')), reporter.complete(result('y'))]);
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(received).toEqual(['x', 'y']);
    expect(await reporter.close()).toEqual([]);
  });

  it('gives up a completion the API rejects as invalid', async () => {
    let calls = 0;
    const reporter = new AttemptReporter({
      sendStarts: async () => [],
      sendCompletes: async () => {
        calls++;
        throw new ValidationError([{ path: 'results[0].status', message: 'bad' }]);
      },
      retryBaseMs: 1,
    });
    await expect(reporter.complete(result('x'))).rejects.toBeInstanceOf(ValidationError);
    expect(calls).toBe(1);
  });

  it('retries a start whose answer was lost, and takes the repeated answer (issue 9)', async () => {
    // An API that commits the first start and loses its answer; the retry is answered as the
    // first would have been (the store answers a repeat from the same worker `ok`).
    const committed = new Set<string>();
    let calls = 0;
    const reporter = new AttemptReporter({
      sendStarts: async (items) => {
        calls++;
        const answers = items.map((i) => ({
          ok: true as const,
          repeated: committed.has(i.job) || undefined,
          compute_node: 'wf-w1',
          job: { _key: i.job, name: i.job, command: 'true' },
        }));
        for (const i of items) committed.add(i.job);
        if (calls === 1) throw new UnavailableError('connection reset after the request was sent');
        return answers;
      },
      sendCompletes: async () => [],
      retryBaseMs: 1,
      retryMaxMs: 1,
    });
    const item: StartItem = { workflow: 'wf', job: 'j', attempt: 1 };
    await expect(reporter.start(item)).resolves.toMatchObject({ ok: true, repeated: true, compute_node: 'wf-w1' });
    expect(calls).toBe(2);
    expect(reporter.held()).toEqual([item]);
  });

  it('gives up a start after a few retries, and then does not hold it (the scheduler re-queues it)', async () => {
    let calls = 0;
    const reporter = new AttemptReporter({
      sendStarts: async () => {
        calls++;
        throw new UnavailableError('api down');
      },
      sendCompletes: async () => [],
      startRetries: 2,
      retryBaseMs: 1,
      retryMaxMs: 1,
    });
    const item: StartItem = { workflow: 'wf', job: 'j', attempt: 1 };
    const answer = reporter.start(item);
    // Held while the start is in doubt: a heartbeat sent now must list it.
    expect(reporter.held()).toEqual([item]);
    await expect(answer).rejects.toBeInstanceOf(UnavailableError);
    expect(calls).toBe(3);
    expect(reporter.held()).toEqual([]);
  });

  it('holds an attempt from its start until its completion is answered; a refused start is not held', async () => {
    const completes = manualSend<CompleteItem, CompleteAnswer>();
    const reporter = new AttemptReporter({
      sendStarts: async (items) =>
        items.map((i) =>
          i.job === 'refused'
            ? { ok: false as const, reason: 'not queued' }
            : { ok: true as const, compute_node: 'wf-w1', job: { _key: i.job, name: i.job, command: 'true' } },
        ),
      sendCompletes: completes.send,
    });
    await reporter.start({ workflow: 'wf', job: 'refused', attempt: 1 });
    await reporter.start({ workflow: 'wf', job: 'a', attempt: 1 });
    expect(reporter.held()).toEqual([{ workflow: 'wf', job: 'a', attempt: 1 }]);
    const done = reporter.complete(result('a'));
    await tick();
    // Reported but not yet answered: the graph still has it running, so it is still held.
    expect(reporter.held()).toEqual([{ workflow: 'wf', job: 'a', attempt: 1 }]);
    completes.calls[0]!.resolve([{ ok: true, duplicate: false, result: 'a-a1', newly_ready: 0 }]);
    await done;
    expect(reporter.held()).toEqual([]);
  });

  it('close with a deadline gives up completions still unsent and returns them', async () => {
    const reporter = new AttemptReporter({
      sendStarts: async () => [],
      sendCompletes: async () => {
        throw new UnavailableError('api down');
      },
      retryBaseMs: 5,
      retryMaxMs: 5,
    });
    const pending = reporter.complete(result('lost'));
    const lost = await reporter.close(30);
    expect(lost.map((i) => i.job)).toEqual(['lost']);
    await expect(pending).rejects.toBeInstanceOf(UnavailableError);
  });

  it('close cancels the completion request in flight at its deadline and counts it as given up', async () => {
    let canceled = false;
    const reporter = new AttemptReporter({
      sendStarts: async () => [],
      // A request that hangs (an API that accepted the connection and never answers) until canceled.
      sendCompletes: (_items, giveUp) =>
        new Promise((_resolve, reject) =>
          giveUp.addEventListener('abort', () => {
            canceled = true;
            reject(new UnavailableError('canceled'));
          }),
        ),
    });
    const pending = reporter.complete(result('in-flight'));
    await tick();
    const started = Date.now();
    const lost = await reporter.close(50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(canceled).toBe(true);
    expect(lost.map((i) => i.job)).toEqual(['in-flight']);
    await expect(pending).rejects.toBeInstanceOf(UnavailableError);
  });

  it('does not count as given up a completion the API refused, nor one it accepted', async () => {
    const reporter = new AttemptReporter({
      sendStarts: async () => [],
      sendCompletes: async (items) => {
        if (items[0]!.job === 'bad') throw new ValidationError([{ path: 'results[0]', message: 'bad' }]);
        return items.map((i) => ({ ok: true as const, duplicate: false, result: `${i.job}-a1`, newly_ready: 0 }));
      },
    });
    await expect(reporter.complete(result('bad'))).rejects.toBeInstanceOf(ValidationError);
    await expect(reporter.complete(result('good'))).resolves.toMatchObject({ ok: true });
    expect(await reporter.close(10)).toEqual([]);
  });

  it('abortStarts tells the start in flight to retry no more, and rejects the starts waiting', async () => {
    const { calls, send } = manualSend<StartItem, never>();
    let stopRetrying: AbortSignal | undefined;
    const reporter = new AttemptReporter({
      sendStarts: (items, signal) => {
        stopRetrying = signal;
        return send(items);
      },
      sendCompletes: async () => [],
    });
    const first = reporter.start({ workflow: 'wf', job: 'a', attempt: 1 });
    await tick();
    const waiting = reporter.start({ workflow: 'wf', job: 'b', attempt: 1 });
    expect(stopRetrying?.aborted).toBe(false);
    reporter.abortStarts();
    expect(stopRetrying?.aborted).toBe(true);
    await expect(waiting).rejects.toBeInstanceOf(UnavailableError);
    // The request in flight may still be answered.
    calls[0]!.resolve([{ ok: true, job: {}, compute_node: 'wf-w1' } as never]);
    await expect(first).resolves.toMatchObject({ ok: true });
  });
});

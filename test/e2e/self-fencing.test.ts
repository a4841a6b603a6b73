/**
 * Self-fencing under a real partition (issue 9, item 4), with real processes: worker A reaches
 * Redis and its API only through TCP proxies the test cuts. A's job must be gone (checked in
 * /proc) before the scheduler declares A lost; the attempt then runs again on worker B, never
 * alongside the original; after the heal A's late report of the lost attempt is refused and
 * recorded, and the workflow completes with one result per attempt.
 *
 * Two API processes over the same graph: the API hands every worker one Redis URL
 * (`JOBGRAPH_WORKER_REDIS_URL`), so A registers with one that hands out the proxy's address,
 * and B with the stack's own, which hands out Redis's — B is the rest of the cluster, which
 * the partition does not touch.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import type { EventDoc } from '../../src/core/model.js';
import { alive, processGroup } from '../support/process-probes.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { spawnCli, waitFor } from './support/cli.js';
import { attemptsByJob, exited, freePort, openProcessStack, type ProcessStack } from './support/process-stack.js';

let stack: ProcessStack | undefined;
const proxies: TcpProxy[] = [];
afterEach(async () => {
  // A job left running by a failed assertion is ended with its group.
  for (const pid of stack ? jobPids(stack.dir) : [])
    if (alive(pid))
      try {
        process.kill(-processGroup(pid), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
  await stack?.cleanup();
  stack = undefined;
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

/** pid of each attempt's job, by the `pid.<attempt>` files the job writes. */
function jobPids(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => /^pid\.\d+$/.test(f))
    .map((f) => Number(readFileSync(join(dir, f), 'utf8')))
    .filter((pid) => pid > 0);
}

/**
 * The job (run with `exec`: it leads its process group): refuses to start while another copy
 * runs (it records the overlap and fails), writes its pid; attempt 1 ignores SIGTERM (so
 * fencing needs its SIGKILL after the grace) and would run for 10 minutes; later attempts
 * finish at once.
 */
const JOB_SCRIPT = `for f in pid.*; do
  [ -e "$f" ] || continue
  p=$(cat "$f")
  if kill -0 "$p" 2>/dev/null; then echo "attempt $JOBGRAPH_ATTEMPT started while $f ($p) ran" >> overlap; exit 3; fi
done
echo $$ > pid.$JOBGRAPH_ATTEMPT
if [ "$JOBGRAPH_ATTEMPT" = 1 ]; then trap '' TERM; sleep 600; fi
echo ran > out.$JOBGRAPH_ATTEMPT
`;

/** Heartbeat 1 s, TTL 3 s: fencing at 2 s (the default, halfway); the job's grace 0.5 s. */
const TIMINGS = {
  JOBGRAPH_HEARTBEAT_MS: '1000',
  JOBGRAPH_WORKER_TIMEOUT_MS: '3000',
  JOBGRAPH_FENCE_MS: '2000',
  JOBGRAPH_RECONCILE_MS: '500',
  JOBGRAPH_TERMINATE_GRACE_MS: '500',
};

/** The `time` of the first log line of `child` whose message matches `msg`. */
function loggedAt(output: string, msg: RegExp): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as { time?: number; msg?: string };
    if (entry.msg && msg.test(entry.msg)) return entry.time;
  }
  return undefined;
}

describe('self-fencing', () => {
  it('a worker cut off from Redis and the API ends its job before it is declared lost; the re-run never overlaps it', async () => {
    const redisUrl = inject('redisUrl');
    const redisTarget = new URL(redisUrl);
    const redisProxy = await startTcpProxy({ host: redisTarget.hostname, port: Number(redisTarget.port) });
    proxies.push(redisProxy);
    stack = await openProcessStack(redisUrl, TIMINGS);
    await stack.startServer();

    // Worker A's API: same graph, but it hands out the Redis proxy; A reaches it through a proxy too.
    const apiPortA = await freePort();
    const apiA = spawnCli(['api', '--port', String(apiPortA)], {
      cwd: stack.dir,
      env: { ...stack.env, JOBGRAPH_WORKER_REDIS_URL: redisProxy.via(redisUrl) },
    });
    stack.children.push(apiA);
    await waitFor(
      async () => ((await fetch(`http://127.0.0.1:${apiPortA}/health`).catch(() => undefined))?.ok ? true : undefined),
      60_000,
      'the second API',
    );
    const apiProxy = await startTcpProxy({ host: '127.0.0.1', port: apiPortA });
    proxies.push(apiProxy);

    writeFileSync(join(stack.dir, 'job.sh'), JOB_SCRIPT);
    // `after` needs 2 CPUs: only worker A (2) can run it, B (1) cannot — so the workflow ends
    // only once A, healed, takes work again.
    const wf = await stack.createAndStart(`name: fencing
resource_requirements:
  - { name: one, num_cpus: 1, memory: 100m }
  - { name: two, num_cpus: 2, memory: 100m }
jobs:
  - { name: long, command: "exec sh job.sh", resource_requirements: one }
  - { name: after, command: "cat out.2", depends_on: [long], resource_requirements: two }
`);
    const workerA = stack.startWorker(['--api', `http://127.0.0.1:${apiProxy.port}`, '--workflow', wf]);
    const first = await waitFor(
      () => (existsSync(join(stack!.dir, 'pid.1')) ? jobPids(stack!.dir)[0] : undefined),
      60_000,
      'attempt 1 to run on worker A',
    );
    expect(alive(first)).toBe(true);
    expect(redisProxy.connections).toBeGreaterThan(0); // A's Redis traffic does pass the proxy

    // Watch every copy of the job from now on: at no instant may two run.
    let mostAtOnce = 1;
    const watcher = setInterval(() => {
      const running = jobPids(stack!.dir).filter(alive).length;
      mostAtOnce = Math.max(mostAtOnce, running);
    }, 5);

    const cutAt = Date.now();
    redisProxy.cut();
    apiProxy.cut();
    // The rest of the cluster: a worker the partition does not touch, to run the job again.
    const workerB = stack.startWorker(['--workflow', wf, '--cpus', '1']);

    await waitFor(() => (alive(first) ? undefined : true), 30_000, 'attempt 1 to end on the cut-off worker');
    const goneAt = Date.now();
    const store = stack.store();
    const events = async (type: string) =>
      (await store.listDocuments(wf, 'events', { filter: { type } })).items as EventDoc[];
    const [lost] = await waitFor(
      async () => ((await events('worker_lost')).length > 0 ? events('worker_lost') : undefined),
      60_000,
      'worker A to be declared lost',
    );
    const lostAt = Date.parse(lost!.timestamp);
    // The heart of it: the original was gone (in /proc) before the server gave up on its worker.
    expect(goneAt).toBeLessThan(lostAt);
    expect(lost).toMatchObject({ jobs: [expect.objectContaining({ attempt: 1, outcome: 'requeued' })] });

    const rerun = await waitFor(
      async () => (await events('job_started')).find((e) => e.attempt === 2),
      60_000,
      'attempt 2 to start on worker B',
    );
    const rerunAt = Date.parse(rerun.timestamp);
    expect(rerun.compute_node).not.toBe(lost!.compute_node);

    // Heal: A renews its heartbeat, lifts its fence, and delivers the report it kept.
    const healAt = Date.now();
    redisProxy.heal();
    apiProxy.heal();
    const [late] = await waitFor(
      async () => ((await events('late_report_refused')).length > 0 ? events('late_report_refused') : undefined),
      60_000,
      'the late report of attempt 1 to be refused',
    );
    const workerIdA = String(lost!.worker_id);
    expect(late).toMatchObject({
      job: (lost!.jobs as Array<{ job: string }>)[0]!.job,
      attempt: 1,
      worker_id: workerIdA,
      compute_node: lost!.compute_node,
      reported_status: 'terminated',
    });
    expect(String(late!.reported_message)).toMatch(/^interrupted: fenced: heartbeat not renewed for \d+ ms$/);

    expect(await exited(workerB)).toBe(0);
    const bExitedAt = Date.now();
    expect(await exited(workerA)).toBe(0);
    const aExitedAt = Date.now();
    clearInterval(watcher);
    expect(await stack.cli('workflow', 'status', wf)).toMatch(/completed/);

    const results = await stack.results(wf);
    const long = (await stack.jobs(wf)).find((j) => j.name === 'long')!;
    // One result per attempt: the lost one (the refused report added none) and the re-run.
    expect([...attemptsByJob(results).values()].sort()).toEqual([[1], [1, 2]]);
    expect(results.find((r) => r.job === long._key && r.attempt === 1)).toMatchObject({ lost: true });
    expect(results.find((r) => r.job === long._key && r.attempt === 2)).toMatchObject({ status: 'completed' });
    expect(mostAtOnce).toBe(1);
    // A took work again once its heartbeat renewed: the 2-CPU job ran on its compute node.
    const afterJob = (await stack.jobs(wf)).find((j) => j.name === 'after')!;
    expect((await events('job_started')).find((e) => e.job === afterJob._key)).toMatchObject({
      compute_node: lost!.compute_node,
    });
    expect(existsSync(join(stack.dir, 'overlap'))).toBe(false);
    expect(jobPids(stack.dir).filter(alive)).toEqual([]);

    const outputA = workerA.output();
    const fencedAt = loggedAt(outputA.stdout + outputA.stderr, /within the fencing timeout/);
    const unfencedAt = loggedAt(outputA.stdout + outputA.stderr, /fence lifted/);
    expect(fencedAt).toBeDefined();
    expect(fencedAt!).toBeLessThan(goneAt);
    expect(unfencedAt).toBeGreaterThan(healAt);
    const s = (t: number | undefined) => (t === undefined ? '?' : `${((t - cutAt) / 1000).toFixed(2)} s`);
    console.log(
      `self-fencing (heartbeat 1 s, ttl 3 s, fence 2 s, grace 0.5 s): cut → fenced ${s(fencedAt)}, ` +
        `job gone ${s(goneAt)}, declared lost ${s(lostAt)}, re-run started ${s(rerunAt)}; ` +
        `heal at ${s(healAt)} → fence lifted ${s(unfencedAt)}, late report refused ${s(Date.parse(late!.timestamp))}; ` +
        `worker B exited ${s(bExitedAt)}, worker A exited ${s(aExitedAt)}`,
    );
  }, 240_000);
});

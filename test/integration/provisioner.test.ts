/**
 * The provisioner on the real stack (SQLite, Redis, API, scheduler) with the local provider:
 * auto-scaled local workers run a workflow to its end, a request by hand is submitted, a
 * canceled workflow gets its allocations released, run_commands actions run once, and
 * allocations that end without running a job do not make it ask again at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { silentLogger } from '../../src/core/logger.js';
import type { AllocationDoc, BaseDoc } from '../../src/core/model.js';
import { ProviderRegistry } from '../../src/provision/provider-registry.js';
import { Provisioner } from '../../src/provision/provisioner.js';
import { recordAllocation } from '../../src/provision/record-allocation.js';
import { openWorkerStack, type WorkerStack } from './worker-fixture.js';

const redisUrl = inject('redisUrl');
let stack: WorkerStack;
let providers: ProviderRegistry;
let provisioner: Provisioner | undefined;

beforeEach(async () => {
  stack = await openWorkerStack(redisUrl);
  providers = new ProviderRegistry({ local: { killGraceMs: 2000 } });
});
afterEach(async () => {
  await provisioner?.stop();
  provisioner = undefined;
  await providers.close();
  await stack.close();
});

/** A provisioner whose workers run `command` (default: this jobgraph's CLI), polling every 200 ms. */
async function startProvisioner(command?: string[]): Promise<Provisioner> {
  provisioner = new Provisioner({
    store: stack.store,
    providers,
    logger: silentLogger,
    intervalMs: 200,
    id: 'test',
    launch: {
      apiUrl: stack.api.url,
      cwd: stack.dir,
      ...(command && { command }),
      env: { JOBGRAPH_LOG_LEVEL: 'warn', JOBGRAPH_QUEUE_PREFIX: stack.prefix },
    },
  });
  await provisioner.start();
  return provisioner;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const allocations = async (wf: string) =>
  (await stack.store.listDocuments(wf, 'allocations', { limit: 1000 })).items as AllocationDoc[];
const events = async (wf: string, type: string) =>
  (await stack.store.listDocuments(wf, 'events', { filter: { type }, limit: 1000 })).items as BaseDoc[];

const LOCAL_SPEC = {
  name: 'local-scale',
  compute_node_wait_for_new_jobs_seconds: 2,
  local_schedulers: [{ name: 'here', num_cpus: 2, memory: '1g', max_allocations: 2 }],
  jobs: [{ name: 'j{i}', command: 'sleep 0.2', parameters: { i: '1:8' } }],
};

describe('provisioner with the local provider', () => {
  it('auto-scaling starts local workers that run the workflow to its end, then their allocations end', async () => {
    const wf = await stack.create(LOCAL_SPEC);
    await stack.store.updateWorkflow(wf, { auto_scale: true });
    await startProvisioner();
    await stack.start(wf);
    provisioner!.poke([wf]);
    await until('the workflow to complete', async () =>
      (await stack.store.getWorkflow(wf)).status === 'completed' ? true : undefined,
    );
    const ended = await until('every allocation to end', async () => {
      const all = await allocations(wf);
      return all.length > 0 && all.every((a) => a.state === 'ended') ? all : undefined;
    });
    expect(ended.length).toBeLessThanOrEqual(2);
    expect(ended.every((a) => a.reason === 'finished' && a.trigger === 'auto_scale')).toBe(true);
    const nodes = (await stack.store.listDocuments(wf, 'compute_nodes')).items;
    expect(nodes.every((n) => ended.some((a) => a._key === n.allocation))).toBe(true);
    expect((await events(wf, 'allocation_submitted')).length).toBe(ended.length);
    expect((await events(wf, 'allocation_ended')).length).toBe(ended.length);
  });

  it('submits an allocation asked for by hand, once, whatever number of passes', async () => {
    const wf = await stack.create(LOCAL_SPEC);
    const [scheduler] = (await stack.store.listDocuments(wf, 'schedulers')).items;
    const requested = await recordAllocation(stack.store, wf, {
      scheduler: scheduler!._key,
      scheduler_name: 'here',
      provider: 'local',
      state: 'requested',
      nodes: 1,
      trigger: 'manual',
      submitted_at: new Date().toISOString(),
    });
    await startProvisioner(['/bin/sh', '-c', 'sleep 30', 'sh']);
    // A pass with nothing to look at finishes without awaiting anything: it must not leave the
    // provisioner believing a pass still runs (it once did, and ignored every later poke).
    await provisioner!.whenIdle();
    provisioner!.poke([]);
    // The API publishes the workflow on `provision` with a request (the workflow need not be started).
    provisioner!.poke([wf]);
    const running = await until('the request to run', async () => {
      const doc = (await allocations(wf)).find((a) => a._key === requested._key);
      return doc?.state === 'running' ? doc : undefined;
    });
    expect(running.provider_id).toBe(`local-${requested._key}`);
    for (let i = 0; i < 3; i++) {
      provisioner!.full();
      await provisioner!.whenIdle();
    }
    expect(await allocations(wf)).toHaveLength(1);
    expect(await events(wf, 'allocation_submitted')).toHaveLength(1);
  });

  it('a canceled workflow gets its running allocations canceled', async () => {
    const wf = await stack.create({ ...LOCAL_SPEC, jobs: [{ name: 'long', command: 'sleep 60' }] });
    await stack.store.updateWorkflow(wf, { auto_scale: true });
    await startProvisioner();
    await stack.start(wf);
    provisioner!.poke([wf]);
    await until('the job to run', async () =>
      (await stack.jobs(wf)).get('long')!.status === 'running' ? true : undefined,
    );
    await stack.store.cancelWorkflow(wf);
    provisioner!.poke([wf]);
    const ended = await until('the allocation to end', async () => {
      const all = await allocations(wf);
      return all.length === 1 && all[0]!.state === 'ended' ? all[0] : undefined;
    });
    expect(ended.reason).toBe('canceled');
    expect(await events(wf, 'allocation_cancel_requested')).toHaveLength(1);
  });

  it('runs run_commands actions once, records their output, and a failing command fails the action', async () => {
    const wf = await stack.create({
      name: 'commands',
      jobs: [{ name: 'a', command: 'true' }],
      actions: [
        { trigger_type: 'on_workflow_start', action_type: 'run_commands', commands: ['echo started >> trace.txt'] },
        {
          trigger_type: 'on_workflow_start',
          action_type: 'run_commands',
          commands: ['echo oops; exit 3', 'echo never >> trace.txt'],
        },
      ],
    });
    await stack.start(wf);
    await startProvisioner();
    for (let i = 0; i < 3; i++) {
      provisioner!.full();
      await provisioner!.whenIdle();
    }
    expect(readFileSync(join(stack.dir, 'trace.txt'), 'utf8')).toBe('started\n');
    const finished = await events(wf, 'action_finished');
    expect(finished.map((e) => e.outcome).sort()).toEqual(['done', 'failed']);
    const failed = finished.find((e) => e.outcome === 'failed')!;
    expect(failed.message).toBe('"echo oops; exit 3" exited with 3');
    expect(failed.commands).toEqual([{ command: 'echo oops; exit 3', exit_code: 3, output: 'oops\n' }]);
    expect(await events(wf, 'action_claimed')).toHaveLength(2);
  });

  it("runs run_commands on each of torc's four triggers once, at the point the trigger names", async () => {
    const wf = await stack.create({
      name: 'four-triggers',
      compute_node_wait_for_new_jobs_seconds: 2,
      local_schedulers: [{ name: 'here', num_cpus: 1, memory: '1g', max_allocations: 1 }],
      jobs: [
        { name: 'a', command: 'sleep 0.3' },
        { name: 'b', command: 'sleep 0.3', depends_on: ['a'] },
      ],
      actions: [
        { trigger_type: 'on_workflow_start', action_type: 'run_commands', commands: ['echo start >> trace.txt'] },
        {
          trigger_type: 'on_jobs_ready',
          action_type: 'run_commands',
          jobs: ['b'],
          commands: ['echo b-ready >> trace.txt'],
        },
        {
          trigger_type: 'on_jobs_complete',
          action_type: 'run_commands',
          jobs: ['a'],
          commands: ['echo a-complete >> trace.txt'],
        },
        { trigger_type: 'on_workflow_complete', action_type: 'run_commands', commands: ['echo end >> trace.txt'] },
      ],
    });
    await stack.store.updateWorkflow(wf, { auto_scale: true });
    await startProvisioner();
    await stack.start(wf);
    provisioner!.poke([wf]);
    const finished = await until('all four actions to finish', async () => {
      const all = await events(wf, 'action_finished');
      return all.length >= 4 ? all : undefined;
    });
    expect((await stack.store.getWorkflow(wf)).status).toBe('completed');
    expect(finished.map((e) => e.outcome)).toEqual(['done', 'done', 'done', 'done']);
    // A second pass must not run any of them again.
    provisioner!.full();
    await provisioner!.whenIdle();
    const lines = readFileSync(join(stack.dir, 'trace.txt'), 'utf8').trim().split('\n');
    expect(lines[0]).toBe('start');
    expect(lines[3]).toBe('end');
    // b becomes ready when a completes: those two fire in either order, between start and end.
    expect(lines.slice(1, 3).sort()).toEqual(['a-complete', 'b-ready']);
    expect(lines).toHaveLength(4);
    expect(await events(wf, 'action_claimed')).toHaveLength(4);
  });

  it('allocations that end without running a job make it wait before asking again', async () => {
    const wf = await stack.create({ ...LOCAL_SPEC, jobs: [{ name: 'a', command: 'true' }] });
    await stack.store.updateWorkflow(wf, { auto_scale: true });
    // Workers that exit at once: every allocation ends `finished` having run nothing.
    await startProvisioner(['/bin/sh', '-c', 'exit 0', 'sh']);
    await stack.start(wf);
    const idle = await until('an allocation_idle event', async () => (await events(wf, 'allocation_idle'))[0]);
    expect(idle.message).toMatch(/without running a job; no new allocation of "here" for 30 s/);
    const count = (await allocations(wf)).length;
    for (let i = 0; i < 5; i++) {
      provisioner!.full();
      await provisioner!.whenIdle();
    }
    expect((await allocations(wf)).length).toBe(count);
    expect(count).toBeLessThanOrEqual(2);
  });
});

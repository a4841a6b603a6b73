import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCES, type Resources } from '../core/model.js';
import type { DemandGroup } from '../graph/graph-store.js';
import { decideScaling, jobsPerNode, type LiveAllocation, type ScalingScheduler } from './scaling-policy.js';

const GIB = 1024 ** 3;
const node = { num_cpus: 8, memory_bytes: 32 * GIB, num_gpus: 0 };
const slurm: ScalingScheduler = { key: 's1', name: 'cpu', nodes: 1, walltime_s: 3600, node };
const res = (r: Partial<Resources> = {}): Resources => ({ ...DEFAULT_RESOURCES, runtime_s: 600, ...r });
const demand = (r: Partial<DemandGroup> & { resources?: Resources } = {}): DemandGroup => ({
  resources: res(),
  blocked: 0,
  ready: 0,
  queued: 0,
  running: 0,
  scheduler: 's1',
  ...r,
});
const alive = (key: string, state: LiveAllocation['state'], extra: Partial<LiveAllocation> = {}): LiveAllocation => ({
  key,
  scheduler: 's1',
  state,
  submitted_at: 0,
  ...extra,
});
const decide = (demandGroups: DemandGroup[], allocations: LiveAllocation[] = [], s: ScalingScheduler[] = [slurm]) =>
  decideScaling({ schedulers: s, demand: demandGroups, allocations, now: 0, bufferS: 60 });

describe('jobsPerNode', () => {
  it('is the smallest of CPUs, memory and GPUs over the need', () => {
    expect(jobsPerNode(res({ num_cpus: 2, memory_bytes: 4 * GIB }), slurm)).toBe(4);
    expect(jobsPerNode(res({ num_cpus: 1, memory_bytes: 16 * GIB }), slurm)).toBe(2);
    expect(jobsPerNode(res({ num_gpus: 1 }), { ...slurm, node: { ...node, num_gpus: 4 } })).toBe(4);
    expect(jobsPerNode(res({ num_cpus: 9 }), slurm)).toBe(0);
    expect(jobsPerNode(res({ num_nodes: 2 }), { ...slurm, nodes: 4 })).toBe(0.5);
  });
});

describe('decideScaling', () => {
  it('submits what the runnable backlog needs, not for blocked jobs', () => {
    // 20 ready 2-CPU jobs: 4 per node → 5 nodes → 5 one-node allocations.
    const d = decide([demand({ ready: 20, blocked: 100, resources: res({ num_cpus: 2, memory_bytes: GIB }) })]);
    expect(d.submit).toEqual([{ scheduler: 's1', count: 5, reason: expect.any(String), perNode: true }]);
    expect(d.cancel).toEqual([]);
  });

  it('counts pending and running allocations against the need', () => {
    const groups = [demand({ ready: 10, running: 6, resources: res({ num_cpus: 2 }) })]; // 4 nodes
    expect(decide(groups, [alive('a1', 'running', { ends_at: 3_600_000 }), alive('a2', 'pending')]).submit).toEqual([
      { scheduler: 's1', count: 2, reason: expect.any(String), perNode: true },
    ]);
    expect(
      decide(
        groups,
        ['a', 'b', 'c', 'd'].map((k) => alive(k, 'submitting')),
      ).submit,
    ).toEqual([]);
  });

  it('never goes beyond max_allocations', () => {
    const d = decide([demand({ ready: 100 })], [alive('a1', 'pending')], [{ ...slurm, max_allocations: 3 }]);
    expect(d.submit).toEqual([{ scheduler: 's1', count: 2, reason: expect.any(String), perNode: true }]);
    expect(
      decide(
        [demand({ ready: 100 })],
        ['a', 'b', 'c'].map((k) => alive(k, 'pending')),
        [{ ...slurm, max_allocations: 3 }],
      ).submit,
    ).toEqual([]);
  });

  it('multi-node allocations need fewer allocations', () => {
    const d = decide([demand({ ready: 32 })], [], [{ ...slurm, nodes: 4 }]); // 8 per node → 4 nodes → 1 allocation
    expect(d.submit).toEqual([{ scheduler: 's1', count: 1, reason: expect.any(String), perNode: true }]);
  });

  it('asks for one worker per allocation when the work has multi-node jobs, also for jobs without a scheduler', () => {
    const d = decide(
      [demand({ scheduler: undefined, ready: 1, resources: res({ num_nodes: 2 }) })],
      [],
      [{ ...slurm, nodes: 2 }],
    );
    expect(d.submit).toEqual([{ scheduler: 's1', count: 1, reason: expect.any(String), perNode: false }]);
  });

  it('cancels the newest pending allocations the work no longer needs, never running ones', () => {
    const d = decide(
      [demand({ running: 8 })], // one node's worth, running
      [
        alive('run', 'running', { ends_at: 3_600_000 }),
        alive('old', 'pending', { submitted_at: 1 }),
        alive('new', 'pending', { submitted_at: 2 }),
      ],
    );
    expect(d.submit).toEqual([]);
    expect(d.cancel.map((c) => c.allocation)).toEqual(['new', 'old']);
    const idle = decide([], [alive('run', 'running'), alive('p', 'pending')]);
    expect(idle.cancel.map((c) => c.allocation)).toEqual(['p']);
  });

  it('does not count a running allocation whose time left fits no waiting job, but it still counts against the cap', () => {
    // 600 s jobs; the allocation ends in 300 s (minus 60 s buffer): a new one is needed.
    const d = decide([demand({ ready: 1 })], [alive('ending', 'running', { ends_at: 300_000 })]);
    expect(d.submit).toEqual([{ scheduler: 's1', count: 1, reason: expect.any(String), perNode: true }]);
    const capped = decide(
      [demand({ ready: 1 })],
      [alive('ending', 'running', { ends_at: 300_000 })],
      [{ ...slurm, max_allocations: 1 }],
    );
    expect(capped.submit).toEqual([]);
  });

  it('counts an allocation about to end against max_allocations until it has ended', () => {
    const ending = alive('ending', 'running', { ends_at: 300_000 });
    const capped = { ...slurm, max_allocations: 2 };
    expect(decide([demand({ ready: 100 })], [ending, alive('a2', 'running')], [capped]).submit).toEqual([]);
    expect(decide([demand({ ready: 100 })], [ending], [capped]).submit.map((s) => [s.scheduler, s.count])).toEqual([
      ['s1', 1],
    ]);
  });

  it('places jobs without a scheduler on the first that fits, and reports what fits none', () => {
    const gpu: ScalingScheduler = {
      key: 's2',
      name: 'gpu',
      nodes: 1,
      walltime_s: 3600,
      node: { ...node, num_gpus: 2 },
    };
    const d = decide(
      [
        demand({ scheduler: undefined, ready: 2, resources: res({ num_gpus: 1 }) }),
        demand({ scheduler: undefined, ready: 1, resources: res({ num_cpus: 64 }) }),
        demand({ ready: 1, resources: res({ runtime_s: 7200 }) }),
        demand({ scheduler: undefined, ready: 1, resources: res({ runtime_s: 0 }) }),
      ],
      [],
      [slurm, gpu],
    );
    expect(d.submit).toEqual([{ scheduler: 's2', count: 1, reason: expect.any(String), perNode: true }]);
    expect(d.unplaceable.map((u) => u.reason)).toEqual([
      expect.stringMatching(/"cpu": needs 64 CPUs, a node has 8.*"gpu": needs 64 CPUs/),
      'scheduler "cpu": needs 7200 s, the walltime leaves 3540 s',
      expect.stringMatching(/no runtime limit/),
    ]);
  });
});

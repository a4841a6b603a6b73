import { describe, expect, it } from 'vitest';
import { allocationKey, isAllocationOf, workflowOfAllocation } from './allocation-names.js';
import { slurmRequest } from './slurm/test-schedulers.js';
import { workerEnvironment, workerStartArgs } from './worker-args.js';

describe('workerStartArgs', () => {
  it('always names the API, the workflow and the allocation', () =>
    expect(workerStartArgs(slurmRequest())).toEqual([
      'worker',
      'start',
      '--api',
      'http://login1:8080',
      '--workflow',
      'wf1',
      '--allocation',
      'wf1-a1',
      '--cwd',
      '/scratch/run',
    ]));

  it('adds the launch settings that are set, and the sizing a provider gives', () => {
    const request = slurmRequest();
    request.worker = { ...request.worker, token: 't', maxParallelJobs: 2, expirationBufferS: 0, idleExitS: 30 };
    request.worker.ignoreWorkflowCompletion = true;
    const args = workerStartArgs(request, { nodes: 2, cpus: 4, memoryBytes: 1024, gpus: 0 }).slice(8).join(' ');
    expect(args).toBe(
      '--max-parallel-jobs 2 --expiration-buffer 0 --idle-exit 30 --ignore-workflow-completion ' +
        '--cwd /scratch/run --nodes 2 --cpus 4 --mem 1024b --gpus 0',
    );
  });

  it('says nothing of nodes for a single node', () =>
    expect(workerStartArgs(slurmRequest(), { nodes: 1 })).not.toContain('--nodes'));
});

describe('workerEnvironment', () => {
  it('adds the allocation to the launch environment', () => {
    const request = slurmRequest();
    request.worker.env = { A: '1', JOBGRAPH_ALLOCATION: 'spoofed' };
    expect(workerEnvironment(request)).toEqual({ A: '1', JOBGRAPH_ALLOCATION: 'wf1-a1' });
  });

  it('hands the token over in the environment, never on the command line', () => {
    const request = slurmRequest();
    request.worker = { ...request.worker, token: 'jg_secret' };
    expect(workerEnvironment(request)).toMatchObject({ JOBGRAPH_TOKEN: 'jg_secret' });
    expect(workerStartArgs(request).join(' ')).not.toContain('jg_secret');
  });
});

describe('allocation names', () => {
  it('a workflow owns the keys made from it, and only those', () => {
    expect(allocationKey('wf1', 3)).toBe('wf1-a3');
    expect(isAllocationOf('wf1-a3', 'wf1')).toBe(true);
    expect(isAllocationOf('wf1-a3', 'wf')).toBe(false);
    expect(isAllocationOf('wf10-a3', 'wf1')).toBe(false);
    expect(isAllocationOf('wf1-ax', 'wf1')).toBe(false);
  });

  it('the workflow is read back from the key', () => {
    expect(workflowOfAllocation(allocationKey('wf-1-a2', 12))).toBe('wf-1-a2');
    expect(workflowOfAllocation('not-an-allocation')).toBeUndefined();
    expect(workflowOfAllocation('-a1')).toBeUndefined();
  });
});

/** Scheduler documents and requests for the Slurm adapter's unit tests. */
import type { SchedulerDoc } from '../../core/model.js';
import type { AllocationRequest } from '../provider.js';

export function slurmScheduler(fields: Record<string, unknown> = {}): SchedulerDoc {
  return {
    _key: 'wf1-s0',
    _id: 'schedulers/wf1-s0',
    workflow: 'wf1',
    name: 'short',
    type: 'slurm',
    nodes: 1,
    walltime: '04:00:00',
    walltime_s: 4 * 3600,
    account: 'proj1',
    ...fields,
  };
}

export function slurmRequest(
  fields: Record<string, unknown> = {},
  request: Partial<AllocationRequest> = {},
): AllocationRequest {
  return {
    allocation: 'wf1-a1',
    workflow: 'wf1',
    scheduler: slurmScheduler(fields),
    worker: {
      apiUrl: 'http://login1:8080',
      command: ['/usr/bin/node', '/opt/jobgraph/bin/jobgraph.js'],
      cwd: '/scratch/run',
      outputDir: '/scratch/run/.jobgraph/slurm',
    },
    ...request,
  };
}

/** Scheduler documents, allocation requests and instance type figures for the `aws` provider's tests. */
import type { SchedulerDoc } from '../../src/core/model.js';
import type { InstanceTypeFacts } from '../../src/provision/aws/instance-candidates.js';
import type { AllocationRequest } from '../../src/provision/provider.js';

/** An `aws` scheduler document as the spec code builds it, with `fields` over the defaults. */
export function awsScheduler(fields: Record<string, unknown> = {}): SchedulerDoc {
  return {
    _key: 'sched1',
    _id: 'schedulers/sched1',
    workflow: 'wf1',
    name: 'cloud',
    type: 'aws',
    nodes: 1,
    ami: 'ami-0123456789abcdef0',
    ...fields,
  } as SchedulerDoc;
}

export function awsRequest(scheduler: SchedulerDoc, fields: Partial<AllocationRequest> = {}): AllocationRequest {
  return {
    allocation: 'alloc1',
    workflow: scheduler.workflow,
    scheduler,
    worker: {
      apiUrl: 'http://10.0.0.5:8080',
      command: ['/usr/bin/node', '/opt/jobgraph/bin/jobgraph.js'],
      cwd: '/srv/work',
      outputDir: '/srv/work/.jobgraph/alloc',
    },
    ...fields,
  };
}

export function typeFacts(name: string, fields: Partial<InstanceTypeFacts> = {}): InstanceTypeFacts {
  return {
    name,
    vcpus: 2,
    memory_bytes: 4 * 1024 ** 3,
    gpus: 0,
    architectures: ['x86_64'],
    usage_classes: ['on-demand', 'spot'],
    bare_metal: false,
    current_generation: true,
    ...fields,
  };
}

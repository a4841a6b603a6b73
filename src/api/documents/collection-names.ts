import type { WorkflowCollection } from '../../core/model.js';

/** Names used in operation ids: `listJobs`, `createJob`, … */
export const COLLECTION_NAMES: Record<WorkflowCollection, { one: string; many: string }> = {
  jobs: { one: 'Job', many: 'Jobs' },
  files: { one: 'File', many: 'Files' },
  user_data: { one: 'UserData', many: 'UserData' },
  resource_requirements: { one: 'ResourceRequirements', many: 'ResourceRequirements' },
  results: { one: 'Result', many: 'Results' },
  schedulers: { one: 'Scheduler', many: 'Schedulers' },
  compute_nodes: { one: 'ComputeNode', many: 'ComputeNodes' },
  allocations: { one: 'Allocation', many: 'Allocations' },
  actions: { one: 'Action', many: 'Actions' },
  events: { one: 'Event', many: 'Events' },
};

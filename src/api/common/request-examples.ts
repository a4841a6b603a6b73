/**
 * Example request bodies for the OpenAPI document: what the API docs page and the generated
 * clients' docs show for each operation. request-examples.test.ts parses each with the route's
 * own schema, so an example cannot drift into one the API would refuse.
 */
import type { WorkflowCollection } from '../../core/model.js';

type Body = Record<string, unknown>;

/** `POST /api/v1/workflows`: a spec (here a two-job chain); `{ name }` alone makes an empty workflow. */
export const WORKFLOW_SPEC_EXAMPLE: Body = {
  name: 'chain',
  jobs: [
    { name: 'one', command: 'echo one > one.txt' },
    { name: 'two', command: 'cat one.txt', depends_on: ['one'] },
  ],
};

/** `POST /api/v1/workflows/{wf}/{collection}`, one per collection. */
export const DOCUMENT_CREATE_EXAMPLES: Record<WorkflowCollection, Body> = {
  jobs: { name: 'make', command: 'echo hello > greeting.txt' },
  files: { name: 'greeting', path: 'greeting.txt' },
  user_data: { name: 'settings', data: { alpha: 0.5 } },
  resource_requirements: { name: 'small', num_cpus: 2, memory: '4g', runtime: 'PT1H' },
  results: { job: 'make', attempt: 1, return_code: 0, status: 'completed' },
  schedulers: { name: 'local' },
  compute_nodes: { hostname: 'node01', num_cpus: 16 },
  allocations: { scheduler: 'local', note: 'made by hand' },
  actions: { name: 'notify' },
  events: { type: 'note', message: 'input data staged' },
};

/** `PATCH /api/v1/workflows/{wf}/{collection}/{key}`, one per collection. */
export const DOCUMENT_PATCH_EXAMPLES: Record<WorkflowCollection, Body> = {
  jobs: { command: 'echo hello again > greeting.txt' },
  files: { path: 'data/greeting.txt' },
  user_data: { data: { alpha: 0.7 } },
  resource_requirements: { memory: '8g' },
  results: { message: 'checked by hand' },
  schedulers: { name: 'local-2' },
  compute_nodes: { num_cpus: 8 },
  allocations: { note: 'kept for the report' },
  actions: { name: 'notify-by-mail' },
  events: { message: 'input data staged (2 files)' },
};

/** `POST /api/v1/workflows/{wf}/edges/{collection}`: `_id`s of the two ends, by the collections each joins. */
export function edgeCreateExample(from: string, to: string): Body {
  return { _from: `${from}/k3x9a0-1`, _to: `${to}/k3x9a0-2` };
}

/** `POST /api/v1/workers`. */
export const REGISTER_WORKER_EXAMPLE: Body = {
  hostname: 'node01',
  pid: 4242,
  num_cpus: 16,
  memory_bytes: 68_719_476_736,
  num_gpus: 0,
};

const WORKER_IDENTITY = {
  worker_id: 'w-k3x9a0',
  hostname: 'node01',
  pid: 4242,
  num_cpus: 16,
  memory_bytes: 68_719_476_736,
  num_gpus: 0,
};

/** `POST /api/v1/attempts/start`. */
export const START_ATTEMPTS_EXAMPLE: Body = {
  worker: WORKER_IDENTITY,
  attempts: [{ workflow: 'k3x9a0', job: 'k3x9a0-1', attempt: 1 }],
};

/** `POST /api/v1/attempts/complete`. */
export const COMPLETE_ATTEMPTS_EXAMPLE: Body = {
  results: [
    {
      workflow: 'k3x9a0',
      job: 'k3x9a0-1',
      attempt: 1,
      status: 'completed',
      return_code: 0,
      exec_time_s: 1.5,
      completion_time: '2026-11-30T12:00:00.000Z',
      compute_node: 'k3x9a0-cn1',
    },
  ],
};

/** `POST /api/v1/workflows/{wf}/restart`. */
export const RESTART_EXAMPLE: Body = { failed_only: true };

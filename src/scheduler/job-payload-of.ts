import type { ClaimedJob } from '../graph/graph-store.js';
import type { JobPayload } from '../queue/job-payload.js';

/** The queue payload of a claimed job: the attempt and its resources, nothing the graph can answer later. */
export function jobPayloadOf(claimed: ClaimedJob): JobPayload {
  return {
    workflow: claimed.workflow,
    job: claimed.job,
    name: claimed.name,
    attempt: claimed.attempt,
    resources: { ...claimed.resources },
  };
}

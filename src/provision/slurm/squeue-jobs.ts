/**
 * `squeue --json` output → allocation statuses. Read with zod at this edge, tolerant of the
 * shapes of Slurm's OpenAPI plugins: v0.0.38 (Slurm 22.05: numbers, `job_state` a string)
 * and later ones (`{set, infinite, number}` objects, `job_state` a list of flags).
 */
import { z } from 'zod';
import { UnavailableError } from '../../core/errors.js';
import type { AllocationStatus } from '../provider.js';
import { expandHostlist } from './hostlist.js';
import { allocationOfJobName } from './job-name.js';
import { allocationStateOf } from './job-state.js';

/** A number, or Slurm ≥ 23.02's `{set, infinite, number}`; unset or infinite → undefined. */
const slurmNumber = z
  .union([
    z.number(),
    z.looseObject({ set: z.boolean().optional(), infinite: z.boolean().optional(), number: z.number().optional() }),
  ])
  .nullish()
  .transform((v) => {
    if (v === null || v === undefined) return undefined;
    if (typeof v === 'number') return v;
    return v.set === false || v.infinite ? undefined : v.number;
  });

const squeueJobSchema = z.looseObject({
  job_id: z.number(),
  name: z.string().default(''),
  job_state: z.union([z.string(), z.array(z.string())]).transform((s) => (Array.isArray(s) ? (s[0] ?? 'UNKNOWN') : s)),
  state_reason: z.string().optional(),
  start_time: slurmNumber,
  end_time: slurmNumber,
  /** Minutes; undefined when the job has no limit. */
  time_limit: slurmNumber,
  nodes: z.string().optional(),
  user_id: z.number().optional(),
  account: z.string().optional(),
  partition: z.string().optional(),
  qos: z.string().optional(),
});

/** One job as squeue reports it. */
export type SqueueJob = z.output<typeof squeueJobSchema>;

/** @throws UnavailableError when the text is not squeue's JSON */
export function parseSqueueJson(text: string): SqueueJob[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UnavailableError(`squeue --json printed something that is not JSON: ${text.slice(0, 200)}`);
  }
  const parsed = z.object({ jobs: z.array(squeueJobSchema) }).safeParse(json);
  if (!parsed.success)
    throw new UnavailableError(`squeue --json: unexpected shape (${parsed.error.issues[0]?.message})`);
  return parsed.data.jobs;
}

const iso = (epochS: number | undefined) => (epochS ? new Date(epochS * 1000).toISOString() : undefined);

/** What jobgraph records of a Slurm job. */
export function allocationStatusOf(job: SqueueJob): AllocationStatus {
  const { state, reason } = allocationStateOf(job.job_state);
  const nodeNames = expandHostlist(job.nodes);
  const slurmReason = job.state_reason && job.state_reason !== 'None' ? job.state_reason : undefined;
  const status: AllocationStatus = {
    provider_id: String(job.job_id),
    allocation: allocationOfJobName(job.name),
    state,
    details: { job_state: job.job_state, partition: job.partition, account: job.account },
  };
  if (reason) status.reason = reason;
  if (state !== 'ended') {
    if (slurmReason) status.message = slurmReason;
  } else {
    // A canceled job keeps its last pending reason (Priority, Resources): not worth repeating.
    status.message = slurmReason && job.job_state !== 'CANCELLED' ? `${job.job_state} (${slurmReason})` : job.job_state;
  }
  // A job canceled while pending gets a start time but never had nodes.
  if (nodeNames.length > 0) {
    status.node_names = nodeNames;
    if (state !== 'pending') status.started_at = iso(job.start_time);
  }
  if (state === 'running' && job.time_limit !== undefined) status.ends_at = iso(job.end_time);
  if (state === 'ended') status.ended_at = iso(job.end_time);
  return status;
}

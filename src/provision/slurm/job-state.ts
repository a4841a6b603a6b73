/**
 * Slurm job states → allocation states and end reasons. States Slurm adds later, or rare
 * ones (SIGNALING, STAGE_OUT, RESIZING), count as still alive: ending an allocation that is
 * in fact running would orphan its workers in the graph, while a late end is only late.
 */
import type { AllocationEndReason } from '../../core/model.js';
import type { AllocationStatus } from '../provider.js';

const PENDING = new Set(['PENDING', 'CONFIGURING', 'REQUEUED', 'REQUEUE_FED', 'REQUEUE_HOLD', 'RESV_DEL_HOLD']);
const ENDED: Record<string, AllocationEndReason> = {
  COMPLETED: 'finished',
  TIMEOUT: 'walltime',
  CANCELLED: 'canceled',
  NODE_FAIL: 'node_failure',
  PREEMPTED: 'preempted',
  FAILED: 'failed',
  OUT_OF_MEMORY: 'failed',
  BOOT_FAIL: 'failed',
  DEADLINE: 'failed',
  SPECIAL_EXIT: 'failed',
  REVOKED: 'canceled',
};

/** The allocation state of a Slurm job state (`RUNNING`, `TIMEOUT`, …). */
export function allocationStateOf(jobState: string): Pick<AllocationStatus, 'state' | 'reason'> {
  const reason = ENDED[jobState];
  if (reason) return { state: 'ended', reason };
  return { state: PENDING.has(jobState) ? 'pending' : 'running' };
}

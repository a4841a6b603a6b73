/**
 * What a restarted scaling service does with an allocation its provider still holds (pure):
 * the provider lists it by the allocation key it carries (EC2 tag, Slurm job name), and the
 * graph says what that key is.
 *
 * - its record is live (pending/running) → keep: the pass follows it as usual;
 * - its record is `submitting` with no provider id → adopt: the service stopped between the
 *   provider's answer and recording it; the allocation is the one asked for;
 * - its record ended, was never submitted, or does not exist while its workflow does → terminate:
 *   nothing will follow it, and it costs money until it ends by itself;
 * - its workflow is not in this graph, or it carries no key → leave it alone and say so: another
 *   jobgraph installation using the same account may own it.
 */
import type { AllocationDoc } from '../core/model.js';

export type OrphanVerdict =
  | { action: 'keep' }
  | { action: 'adopt' }
  | { action: 'terminate'; reason: string }
  | { action: 'leave'; reason: string };

export interface ListedAllocation {
  /** The allocation key the provider found on it. */
  allocation?: string;
  provider_id: string;
}

export interface GraphView {
  /** Whether the key's workflow is in this graph. */
  workflowKnown: boolean;
  /** Its allocation record, when there is one. */
  record?: Pick<AllocationDoc, 'state' | 'provider_id' | 'reason'>;
}

export function judgeListedAllocation(found: ListedAllocation, graph: GraphView): OrphanVerdict {
  if (found.allocation === undefined) return { action: 'leave', reason: 'it carries no allocation key' };
  if (!graph.workflowKnown)
    return { action: 'leave', reason: `its workflow is not in this graph (another installation's?)` };
  const record = graph.record;
  if (!record) return { action: 'terminate', reason: 'no allocation record has its key' };
  switch (record.state) {
    case 'pending':
    case 'running':
      return { action: 'keep' };
    case 'submitting':
      return record.provider_id === undefined ? { action: 'adopt' } : { action: 'keep' };
    case 'requested':
      return { action: 'terminate', reason: 'its allocation was never submitted' };
    case 'ended':
      return { action: 'terminate', reason: `its allocation ended (${record.reason ?? 'unknown'})` };
  }
}

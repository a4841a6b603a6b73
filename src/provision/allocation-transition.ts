/**
 * How a recorded allocation follows what its provider says (pure): the compare-and-set
 * patch and the event of each step. `pending → running` records the start, anything
 * `→ ended` the end with its reason; a provider that skips `running` (an allocation canceled
 * while queued) goes straight to `ended`. Nothing changes when the state is the same.
 */
import type { AllocationDoc, AllocationEndReason } from '../core/model.js';
import type { AllocationStatus } from './provider.js';

export interface AllocationStep {
  expect: { state: string };
  patch: Partial<AllocationDoc>;
  event: { type: string; [field: string]: unknown };
}

export function allocationTransition(
  doc: AllocationDoc,
  status: AllocationStatus,
  now: string,
): AllocationStep | undefined {
  const base = { allocation: doc._key, scheduler: doc.scheduler, provider_id: doc.provider_id };
  if (doc.state === 'pending' && status.state === 'running') {
    const started_at = status.started_at ?? now;
    return {
      expect: { state: 'pending' },
      patch: {
        state: 'running',
        started_at,
        ...(status.ends_at && { ends_at: status.ends_at }),
        ...(status.node_names && { node_names: status.node_names }),
        ...(status.details && { details: { ...doc.details, ...status.details } }),
      },
      event: { type: 'allocation_started', ...base, started_at, node_names: status.node_names ?? [] },
    };
  }
  if ((doc.state === 'pending' || doc.state === 'running') && status.state === 'ended') {
    const reason: AllocationEndReason = status.reason ?? 'unknown';
    const ended_at = status.ended_at ?? now;
    return {
      expect: { state: doc.state },
      patch: {
        state: 'ended',
        reason,
        ended_at,
        ...(status.message && { message: status.message }),
        ...(doc.state === 'pending' && status.started_at && { started_at: status.started_at }),
        ...(status.node_names && !doc.node_names && { node_names: status.node_names }),
        // The provider's last word (e.g. why each instance ended), over what was recorded before.
        ...(status.details && { details: { ...doc.details, ...status.details } }),
      },
      event: {
        type: 'allocation_ended',
        ...base,
        reason,
        ended_at,
        ...(status.message && { message: status.message }),
      },
    };
  }
  return undefined;
}

/** Seconds an allocation held its nodes (start to end, or to `now` while running); 0 before it started. */
export function allocationSeconds(doc: AllocationDoc, now: number): number {
  if (!doc.started_at) return 0;
  const end = doc.ended_at ? Date.parse(doc.ended_at) : now;
  return Math.max(0, (end - Date.parse(doc.started_at)) / 1000);
}

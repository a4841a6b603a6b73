/** Allocation documents for the pure provisioning and report tests. */
import type { AllocationDoc } from '../../src/core/model.js';

/** The moment the fixtures' times count from. */
export const T0 = Date.parse('2026-01-01T00:00:00Z');

/** `ms` since the epoch as the ISO text documents carry. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/** A running aws allocation of workflow `wf`, scheduler `s1`, submitted at T0, with `fields` over it. */
export function allocationDoc(key: string, fields: Partial<AllocationDoc> = {}): AllocationDoc {
  return {
    _key: key,
    _id: `allocations/${key}`,
    workflow: 'wf',
    scheduler: 's1',
    scheduler_name: 'spot',
    provider: 'aws',
    state: 'running',
    nodes: 1,
    trigger: 'auto_scale',
    submitted_at: iso(T0),
    ...fields,
  };
}

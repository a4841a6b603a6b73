/**
 * How allocations are named at a provider. The key of an allocation is made by the
 * provisioner as `<workflow key>-a<n>` (core/keys.ts builds it, beside every other key the
 * system reserves), so a provider that keeps nothing but the key (a Slurm job name, an EC2
 * tag) can still tell which workflow an allocation belongs to.
 */
export { allocationKey, isAllocationOf } from '../core/keys.js';

/** The workflow an allocation key was made for (`<workflow>-a<n>`); undefined for a key not made so. */
export function workflowOfAllocation(allocation: string): string | undefined {
  return /^(.+)-a\d+$/.exec(allocation)?.[1];
}

/**
 * Allocation keys end up in job names, file names and scripts: letters, digits and `_.-`
 * only, so that none of them needs quoting or escaping anywhere.
 */
export const ALLOCATION_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

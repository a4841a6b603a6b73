/**
 * How allocations are named at a provider. The key of an allocation is made by the
 * provisioner as `<workflow key>-a<n>`, so a provider that keeps nothing but the key (a Slurm
 * job name, an EC2 tag) can still tell which workflow an allocation belongs to.
 */

/** The key of a workflow's `n`-th allocation. */
export function allocationKey(workflow: string, n: number): string {
  return `${workflow}-a${n}`;
}

/** Whether an allocation key is one of `workflow`'s (`<workflow>-a<n>`). */
export function isAllocationOf(allocation: string, workflow: string): boolean {
  return allocation.startsWith(`${workflow}-a`) && /^\d+$/.test(allocation.slice(workflow.length + 2));
}

/** The workflow an allocation key was made for (`<workflow>-a<n>`); undefined for a key not made so. */
export function workflowOfAllocation(allocation: string): string | undefined {
  return /^(.+)-a\d+$/.exec(allocation)?.[1];
}

/**
 * Allocation keys end up in job names, file names and scripts: letters, digits and `_.-`
 * only, so that none of them needs quoting or escaping anywhere.
 */
export const ALLOCATION_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

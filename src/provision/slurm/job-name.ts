/**
 * A jobgraph allocation's Slurm job name is `jg-<allocation key>`: jobgraph's jobs stand out
 * in `squeue`, and a job submitted just before a crash is found again by its name.
 */

const PREFIX = 'jg-';

/** The Slurm job name of an allocation. */
export function slurmJobName(allocation: string): string {
  return `${PREFIX}${allocation}`;
}

/** The allocation key a Slurm job name stands for, or undefined for a job jobgraph did not submit. */
export function allocationOfJobName(name: string): string | undefined {
  return name.startsWith(PREFIX) && name.length > PREFIX.length ? name.slice(PREFIX.length) : undefined;
}

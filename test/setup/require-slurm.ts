/**
 * The run's Slurm test cluster, for test files that need one. Where Slurm is missing, the
 * file's tests fail in CI (a CI without Slurm is a broken CI) and are skipped, visibly,
 * elsewhere.
 */
import { inject, it } from 'vitest';

export interface SlurmTestCluster {
  conf: string;
  /** What every Slurm command needs in its environment (the provider's `env` option). */
  env: { SLURM_CONF: string };
  partition: string;
  nodeNames: string[];
}

/**
 * Call at the top of a test file, then `describe.runIf(slurm)(…)`.
 * @returns undefined when there is no cluster, after registering the failing or skipped test that says so
 */
export function requireSlurm(): SlurmTestCluster | undefined {
  const conf = inject('slurmConf');
  if (conf)
    return {
      conf,
      env: { SLURM_CONF: conf },
      partition: inject('slurmPartition'),
      nodeNames: inject('slurmNodeNames'),
    };
  const why = inject('slurmMissing');
  if (process.env.CI)
    it('needs Slurm', () => {
      throw new Error(`Slurm not installed: run ./scripts/setup.sh (${why})`);
    });
  else it.skip(`needs Slurm, which is not installed here (${why}): run ./scripts/setup.sh`, () => {});
  return undefined;
}

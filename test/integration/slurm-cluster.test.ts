/** The test cluster helper itself: a start that fails says why and leaves nothing behind. */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requireSlurm } from '../setup/require-slurm.js';
import { startSlurmCluster } from '../setup/slurm-cluster.js';

const slurm = requireSlurm();

describe.runIf(slurm)('startSlurmCluster', () => {
  it('fails with the daemon logs when the nodes are not idle in time, and cleans up', async () => {
    // A node no slurmd serves never becomes idle.
    const ghost = 'NodeName=ghost NodeAddr=127.0.0.1 Port=9 CPUs=1 RealMemory=100 State=UNKNOWN';
    const started = startSlurmCluster({ nodes: 1, startTimeoutMs: 3000, extraConfig: [ghost] });
    const err = await started.then(
      async (cluster) => {
        await cluster.stop();
        return new Error('it came up');
      },
      (e: Error) => e,
    );
    expect(err.message).toMatch(/^Slurm test cluster did not come up \(timed out waiting for every node to be idle\)/);
    expect(err.message).toContain('--- slurmctld.log');
    expect(err.message).toContain('--- slurmd-node1.log');
    const dir = /(\/\S+\/jg-slurm-\w+)\//.exec(err.message)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir!)).toBe(false);
  });
});

/**
 * Vitest global setup: one private Slurm cluster (test/setup/slurm-cluster.ts) for the whole
 * run; test files keep apart by unique job names. Tests read it with `requireSlurm()`. Where
 * Slurm is not installed, `slurmConf` is `''` and `slurmMissing` says why.
 */
import type { TestProject } from 'vitest/node';
import { slurmMissing, startSlurmCluster } from './slurm-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The cluster's slurm.conf; `''` when there is none. */
    slurmConf: string;
    slurmPartition: string;
    slurmNodeNames: string[];
    /** Why there is no cluster (empty when there is one). */
    slurmMissing: string;
  }
}

export default async function setup(project: TestProject) {
  const missing = slurmMissing();
  if (missing) {
    project.provide('slurmConf', '');
    project.provide('slurmPartition', '');
    project.provide('slurmNodeNames', []);
    project.provide('slurmMissing', missing);
    return;
  }
  const cluster = await startSlurmCluster();
  project.provide('slurmConf', cluster.conf);
  project.provide('slurmPartition', cluster.partition);
  project.provide('slurmNodeNames', cluster.nodeNames);
  project.provide('slurmMissing', '');
  return () => cluster.stop();
}

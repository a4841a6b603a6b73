/** Scheduler documents and allocation requests for the provider tests (contract and integration). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomKey } from '../../src/core/keys.js';
import type { SchedulerDoc, SchedulerType } from '../../src/core/model.js';
import { allocationKey } from '../../src/provision/allocation-names.js';
import type { AllocationRequest } from '../../src/provision/provider.js';

/** A scheduler document of `workflow` as the spec code writes one: one node unless `fields` say otherwise. */
export function schedulerDoc(
  workflow: string,
  type: SchedulerType,
  name: string,
  fields: Record<string, unknown> = {},
): SchedulerDoc {
  return { _key: `${workflow}-s0`, _id: `schedulers/${workflow}-s0`, workflow, name, type, nodes: 1, ...fields };
}

/**
 * The first allocation of a fresh workflow, whose workers run `command` in a new directory of
 * their own (added to `dirs`, for the caller to remove): nothing else runs there, which lets a
 * test find the workers' processes by their working directory.
 */
export function freshRequest(
  scheduler: (workflow: string) => SchedulerDoc,
  command: string[],
  dirs: string[],
): AllocationRequest {
  const workflow = randomKey(8);
  const cwd = mkdtempSync(join(tmpdir(), 'jg-provider-'));
  dirs.push(cwd);
  return {
    allocation: allocationKey(workflow, 1),
    workflow,
    scheduler: scheduler(workflow),
    worker: { apiUrl: 'http://127.0.0.1:9', command, cwd, outputDir: join(cwd, 'out') },
  };
}

/** Fields of a Slurm scheduler the test cluster runs at once: ten minutes, a little memory. */
export function slurmTestFields(partition: string): Record<string, unknown> {
  return { walltime: '00:10:00', walltime_s: 600, account: 'proj1', partition, mem: '100M' };
}

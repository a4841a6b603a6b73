/**
 * `jobgraph run SPEC`: the one-shot, embedded way. Creates the workflow in ./.jobgraph/
 * (SQLite), starts a private redis-server unless REDIS_URL is set, runs API + scheduler +
 * one local worker sized to this machine in this process, and exits when the workflow
 * ends: 0 only if every job completed. Jobs run in the directory `run` was started in.
 */
import { Command } from 'commander';
import { addResourceFlags } from '../resource-flags.js';
import { ValidationError } from '../../core/errors.js';
import { parseDuration, parseSlurmDuration } from '../../core/units.js';
import { positiveIntFlag } from '../flags.js';
import { printSpecWarnings } from '../spec-warnings.js';
import type { RunFlags } from '../run-spec.js';
import type { SlurmRunFlags } from '../run-on-slurm.js';

interface RunSlurmFlags {
  slurm?: boolean;
  account?: string;
  qos?: string;
  partition?: string;
  walltime?: string;
  nodes?: number;
  maxAllocations?: number;
  host?: string;
}

function slurmRunFlags(flags: RunFlags & RunSlurmFlags): SlurmRunFlags {
  let walltime_s: number | undefined;
  if (flags.walltime !== undefined) {
    walltime_s = parseSlurmDuration(flags.walltime) ?? parseDuration(flags.walltime);
    if (walltime_s === undefined || walltime_s <= 0)
      throw new ValidationError([
        { path: '--walltime', message: `"${flags.walltime}" is not a wall time; use e.g. 04:00:00 or PT4H` },
      ]);
  }
  return {
    json: flags.json,
    db: flags.db,
    host: flags.host,
    account: flags.account,
    qos: flags.qos,
    partition: flags.partition,
    walltime_s,
    nodes: flags.nodes,
    max_allocations: flags.maxAllocations,
  };
}

export function runCommand(): Command {
  const command = new Command('run')
    .description('run a workflow spec to the end on this machine (embedded store, private Redis, local worker)')
    .argument('<spec>', 'workflow spec: YAML, JSON, JSON5 or KDL');
  return addResourceFlags(command, 'for the local worker')
    .option('--db <path>', 'SQLite file (default ./.jobgraph/graph.sqlite)')
    .option('--json', 'print a JSON report instead of a table')
    .option('--dry-run', 'validate and expand the spec, print jobs, files, edges and the execution plan; write nothing')
    .option('--slurm', 'run the workers in Slurm allocations submitted as the work needs them (from a login node)')
    .option('--account <account>', '--slurm: Slurm account (overrides the spec)')
    .option('--qos <qos>', '--slurm: Slurm QoS (overrides the spec)')
    .option('--partition <partition>', '--slurm: Slurm partition (overrides the spec)')
    .option('--walltime <time>', '--slurm: wall time of each allocation, e.g. 04:00:00 (default: fits the longest job)')
    .option('--nodes <n>', '--slurm: nodes per allocation (default 1)', positiveIntFlag)
    .option('--max-allocations <n>', '--slurm: most allocations at once per scheduler', positiveIntFlag)
    .option('--host <address>', '--slurm: listen address the nodes reach (default 127.0.0.1; e.g. 0.0.0.0)')
    .action(async (specPath: string, flags: RunFlags & RunSlurmFlags & { dryRun?: boolean }) => {
      // Loaded on use: `jobgraph --help` and the client commands need none of it, and a
      // malformed spec is refused before the server machinery loads.
      const slurm = flags.slurm ? slurmRunFlags(flags) : undefined;
      const { readSpecFile } = await import('../read-spec-file.js');
      const { bundle, warnings } = await readSpecFile(specPath);
      printSpecWarnings(warnings);
      if (flags.dryRun) {
        const { printDryRun } = await import('../dry-run-report.js');
        printDryRun(bundle, flags.json === true, warnings);
        return;
      }
      if (slurm) {
        const { runOnSlurm } = await import('../run-on-slurm.js');
        process.exitCode = await runOnSlurm(bundle, { ...slurm, warnings });
        return;
      }
      const { runSpec } = await import('../run-spec.js');
      process.exitCode = await runSpec(bundle, { ...flags, warnings });
    });
}

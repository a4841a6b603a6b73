/**
 * `jobgraph run SPEC`: the one-shot, embedded way. Creates the workflow in ./.jobgraph/
 * (SQLite), starts a private redis-server unless REDIS_URL is set, runs API + scheduler +
 * one local worker sized to this machine in this process, and exits when the workflow
 * ends: 0 only if every job completed. Jobs run in the directory `run` was started in.
 */
import { Command } from 'commander';
import { addResourceFlags } from '../resource-flags.js';
import type { RunFlags } from '../run-spec.js';

export function runCommand(): Command {
  const command = new Command('run')
    .description('run a workflow spec to the end on this machine (embedded store, private Redis, local worker)')
    .argument('<spec>', 'workflow spec: YAML, JSON or JSON5');
  return addResourceFlags(command, 'for the local worker')
    .option('--db <path>', 'SQLite file (default ./.jobgraph/graph.sqlite)')
    .option('--json', 'print a JSON report instead of a table')
    .action(async (specPath: string, flags: RunFlags) => {
      // Loaded on use: `jobgraph --help` and the client commands need none of it.
      const { runSpec } = await import('../run-spec.js');
      process.exitCode = await runSpec(specPath, flags);
    });
}

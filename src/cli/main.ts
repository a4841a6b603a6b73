/** The `jobgraph` command line. Errors with a stable code print as one line and exit non-zero. */
import { Command } from 'commander';
import { AppError, ValidationError } from '../core/errors.js';
import { jobCommand } from './commands/cancel.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { runCommand } from './commands/run.js';
import { apiCommand, scaleCommand, schedulerCommand, serverCommand } from './commands/serve-roles.js';
import { allocationsCommand } from './commands/allocations.js';
import { slurmCommand } from './commands/slurm.js';
import { workerCommand } from './commands/worker.js';
import { workflowCommand } from './commands/workflow/index.js';

const program = new Command('jobgraph')
  .description('workflow orchestrator for HPC clusters and clouds')
  .version('0.1.0')
  .showHelpAfterError()
  .addCommand(runCommand())
  .addCommand(serverCommand())
  .addCommand(apiCommand())
  .addCommand(schedulerCommand())
  .addCommand(scaleCommand())
  .addCommand(workerCommand())
  .addCommand(workflowCommand())
  .addCommand(jobCommand())
  .addCommand(slurmCommand())
  .addCommand(allocationsCommand())
  .addCommand(exportCommand())
  .addCommand(importCommand());

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof ValidationError) {
    process.stderr.write(`error: invalid input (${err.code})\n`);
    for (const issue of err.issues) process.stderr.write(`  ${issue.path || '(root)'}: ${issue.message}\n`);
  } else if (err instanceof AppError) {
    process.stderr.write(`error: ${err.message} (${err.code})\n`);
  } else {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
  }
  process.exitCode = err instanceof AppError && err.code !== 'internal' ? 1 : 2;
}

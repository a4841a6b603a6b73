/**
 * The `jobgraph` command line. An error with a stable code prints as an `error:` line and,
 * when it has several problems, one indented line per problem starting with its path; the
 * exit status is non-zero.
 */
import { Command } from 'commander';
import { AppError, ERROR_CODES, type FieldIssue } from '../core/errors.js';
import { jobCommand } from './commands/cancel.js';
import { exportCommand } from './commands/export.js';
import { importCommand } from './commands/import.js';
import { logsCommand } from './commands/logs.js';
import { runCommand } from './commands/run.js';
import { apiCommand, scaleCommand, schedulerCommand, serverCommand } from './commands/serve-roles.js';
import { allocationsCommand } from './commands/allocations.js';
import { slurmCommand } from './commands/slurm.js';
import { tokenCommand } from './commands/token.js';
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
  .addCommand(logsCommand())
  .addCommand(slurmCommand())
  .addCommand(allocationsCommand())
  .addCommand(exportCommand())
  .addCommand(importCommand())
  .addCommand(tokenCommand());

/** The first line of an error that lists its problems below (others: their message up to the first colon). */
const HEADLINES: Partial<Record<string, string>> = {
  [ERROR_CODES.VALIDATION]: 'invalid input',
  [ERROR_CODES.CONFIG]: 'invalid configuration',
  [ERROR_CODES.CYCLE]: 'dependency cycle',
};

/** Longest problem line printed: a megabyte-long name must not become the output. */
const MAX_LINE = 1000;

/** The problems of `err`, one per line to print; undefined when its message says it all. */
function problemsOf(err: AppError): FieldIssue[] | undefined {
  const issues = err.details.issues;
  return Array.isArray(issues) && issues.length > 0 ? (issues as FieldIssue[]) : undefined;
}

function printError(err: unknown): void {
  if (!(err instanceof AppError)) {
    process.stderr.write(`error: ${(err as Error).stack ?? String(err)}\n`);
    return;
  }
  const problems = problemsOf(err);
  if (!problems) {
    process.stderr.write(`error: ${err.message} (${err.code})\n`);
    return;
  }
  process.stderr.write(`error: ${HEADLINES[err.code] ?? err.message.split(': ')[0]} (${err.code})\n`);
  for (const { path, message } of problems) {
    const line = `  ${path || '(root)'}: ${message.replace(/\s*\n\s*/g, ' ')}`;
    process.stderr.write(`${line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line}\n`);
  }
}

// No top-level await: the bundle is a CommonJS file (decision 0020).
program.parseAsync(process.argv).catch((err: unknown) => {
  printError(err);
  process.exitCode = err instanceof AppError && err.code !== 'internal' ? 1 : 2;
});

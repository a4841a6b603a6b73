/**
 * `jobgraph logs WORKFLOW JOB [--attempt N] [--stderr] [--follow]`: a job's output, wherever
 * its worker ran. The file at the path the result records is printed when this machine can
 * read it (the same machine, or a shared file system); otherwise the tail the worker sent with
 * the result, under a note naming the node and the path of the full file. `--follow` prints a
 * running attempt's file as it grows (same machine) until the attempt's result is recorded.
 * Works through the API, or on a local store without one (see api-client-flags.ts).
 */
import { Command } from 'commander';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { NotFoundError } from '../../core/errors.js';
import type { JobDoc, ResultDoc } from '../../core/model.js';
import { clientFor, listAll, withClientFlags, type ApiCall, type ClientFlags } from '../api-client-flags.js';
import { positiveIntFlag } from '../flags.js';

interface LogsFlags extends ClientFlags {
  attempt?: number;
  stderr?: boolean;
  follow?: boolean;
}

/** How often `--follow` looks for new output and for the attempt's end. */
const FOLLOW_POLL_MS = 500;

/** Print the bytes of `path` from `from` on; the new offset. */
async function printFrom(path: string, from: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size <= from) return from;
    const buffer = Buffer.alloc(size - from);
    await handle.read(buffer, 0, buffer.length, from);
    process.stdout.write(buffer);
    return size;
  } finally {
    await handle.close();
  }
}

async function resultOf(call: ApiCall, wf: string, job: string, attempt: number): Promise<ResultDoc | undefined> {
  const q = `?job=${encodeURIComponent(job)}&attempt=${attempt}`;
  return (await listAll<ResultDoc>(call, `/workflows/${encodeURIComponent(wf)}/results${q}`))[0];
}

/** A recorded attempt's output: the file when readable here, else the tail its worker sent. */
function printRecorded(result: ResultDoc, stderr: boolean, from: number): Promise<number> | number {
  const path = stderr ? result.stderr_path : result.stdout_path;
  if (path && existsSync(path)) return printFrom(path, from);
  const tail = stderr ? result.stderr_tail : result.stdout_tail;
  process.stderr.write(
    `note: ${path ? `${path} is not readable here` : 'no log file was recorded'}` +
      (tail
        ? `; the last ${tail.length} characters its worker (node ${result.compute_node}) sent:`
        : '; its worker sent no output') +
      '\n',
  );
  if (tail) process.stdout.write(tail);
  return from;
}

/** The default place a worker started in `cwd` writes an attempt's output (src/worker/job-runner.ts). */
function localLogPath(wf: string, job: string, attempt: number, stderr: boolean): string {
  return join(process.cwd(), '.jobgraph', 'logs', wf, `${job}.a${attempt}.${stderr ? 'err' : 'out'}`);
}

export function logsCommand(): Command {
  return withClientFlags(
    new Command('logs')
      .description("print a job's stdout (or stderr) of its latest or a given attempt, wherever its worker ran")
      .argument('<workflow>', 'workflow key, or name when unambiguous')
      .argument('<job>', 'job name or key'),
  )
    .option('--attempt <n>', 'this attempt (default: the latest)', positiveIntFlag)
    .option('--stderr', 'stderr instead of stdout')
    .option('--follow', 'keep printing while the attempt runs (its output file must be on this machine)')
    .action(async (wfRef: string, jobRef: string, flags: LogsFlags) => {
      const call = clientFor(flags);
      const wf = (await call<{ _key: string }>('GET', `/workflows/${encodeURIComponent(wfRef)}`))._key;
      const job = await call<JobDoc>('GET', `/workflows/${encodeURIComponent(wf)}/jobs/${encodeURIComponent(jobRef)}`);
      const attempt = flags.attempt ?? job.attempt;
      const stderr = flags.stderr === true;
      let result = await resultOf(call, wf, job._key, attempt);
      if (result && !flags.follow) {
        await printRecorded(result, stderr, 0);
        return;
      }
      if (!flags.follow)
        throw new NotFoundError(
          'results',
          `${job.name} attempt ${attempt} (no output recorded yet: job is ${job.status}; --follow waits for it)`,
        );
      // Follow: the file grows on this machine while the attempt runs; its result ends it.
      const path = localLogPath(wf, job._key, attempt, stderr);
      let offset = 0;
      for (;;) {
        if (!result) result = await resultOf(call, wf, job._key, attempt);
        if (result) {
          await printRecorded(result, stderr, offset);
          return;
        }
        if (existsSync(path)) offset = await printFrom(path, offset);
        await new Promise((r) => setTimeout(r, FOLLOW_POLL_MS));
      }
    });
}

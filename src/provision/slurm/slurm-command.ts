/**
 * Running Slurm's client commands: the one place the Slurm adapter starts processes. Each
 * command has a deadline; Slurm's transient "Socket timed out" errors (a busy controller)
 * are retried once for commands that are safe to repeat.
 */
import { execFile } from 'node:child_process';
import { inheritedEnvironment } from '../../core/config.js';
import { UnavailableError } from '../../core/errors.js';

/** How Slurm commands are run. */
export interface SlurmCommandOptions {
  /** Merged over the inherited environment for every command (tests set SLURM_CONF). */
  env?: Record<string, string>;
  /** Deadline of one command. @default 30000 */
  timeoutMs?: number;
  /** Retry once after a transient error. Only for commands that are safe to repeat. @default true */
  retry?: boolean;
}

/** A command that ran to its end, successfully or not. */
export interface SlurmCommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

const TRANSIENT = /Socket timed out|Unable to contact slurm controller|Slurm temporarily unavailable/i;
const RETRY_PAUSE_MS = 2000;

/** Whether a failed command's output says the controller was only busy or briefly away. */
export function isTransientSlurmError(output: string): boolean {
  return TRANSIENT.test(output);
}

/**
 * Slurm's message as one line: `sbatch: error: Batch job submission failed: Invalid
 * partition name specified` → `Batch job submission failed: Invalid partition name specified`.
 */
export function slurmMessage(output: string): string {
  const lines = output
    .split('\n')
    .map((l) => l.replace(/^\s*(\w+: )?(error|fatal|warning): /i, '').trim())
    .filter((l) => l !== '');
  return [...new Set(lines)].join('; ');
}

function runOnce(command: string, args: string[], options: SlurmCommandOptions): Promise<SlurmCommandResult> {
  const env = { ...inheritedEnvironment(), ...options.env };
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: timeoutMs, maxBuffer: 256 * 1024 ** 2 }, (error, stdout, stderr) => {
      if (!error) return resolve({ code: 0, stdout, stderr });
      const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
      if (err.code === 'ENOENT')
        return reject(
          new UnavailableError(
            `${command} not found on PATH (${env.PATH ?? ''}): run jobgraph where Slurm's commands are`,
            {
              command,
            },
          ),
        );
      if (err.killed)
        return reject(new UnavailableError(`${command} did not answer within ${timeoutMs / 1000} s`, { command }));
      resolve({ code: typeof err.code === 'number' ? err.code : 1, stdout, stderr: stderr || err.message });
    });
  });
}

/** Run a Slurm command; a non-zero exit is returned, not thrown. @throws UnavailableError when missing or too slow */
export async function runSlurmCommand(
  command: string,
  args: string[],
  options: SlurmCommandOptions = {},
): Promise<SlurmCommandResult> {
  const first = await runOnce(command, args, options);
  if (first.code === 0 || options.retry === false || !isTransientSlurmError(first.stderr)) return first;
  await new Promise((r) => setTimeout(r, RETRY_PAUSE_MS));
  return runOnce(command, args, options);
}

/** Run a command that must succeed. @throws UnavailableError with Slurm's message */
export async function slurmOutput(command: string, args: string[], options: SlurmCommandOptions = {}): Promise<string> {
  const result = await runSlurmCommand(command, args, options);
  if (result.code !== 0)
    throw new UnavailableError(`${command} failed: ${slurmMessage(result.stderr || result.stdout)}`, { command });
  return result.stdout;
}

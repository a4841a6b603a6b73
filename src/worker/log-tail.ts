/**
 * The end of an attempt's stdout/stderr, sent with its result so that `jobgraph logs` and
 * `run` can show why a job failed wherever its worker ran; the full file stays where it was
 * written (its path is on the result too).
 *
 * Bounds: a result batch holds up to 1000 attempts and the API reads at most 64 MiB per body
 * (JOBGRAPH_MAX_BODY_BYTES), so the tails must keep a full batch of failures well under that:
 * 16 KiB per stream of an attempt that did not complete (1000 × 32 KiB = 32 MiB), 2 KiB of one
 * that did — enough for its last lines, small enough that a 10,000-job sweep stays a small store.
 */
import { open, stat } from 'node:fs/promises';

/** Most bytes kept of each stream of an attempt that failed, was terminated or canceled. */
export const FAILED_TAIL_BYTES = 16 * 1024;
/** Most bytes kept of each stream of an attempt that completed. */
export const COMPLETED_TAIL_BYTES = 2 * 1024;

/**
 * The last `maxBytes` of the file at `path`, as text; a cut line at the start is dropped so the
 * tail starts on a line (and never inside a UTF-8 sequence). Undefined when the file cannot be
 * read (the job never started, the directory is gone): the result just carries no tail.
 */
export async function readTail(path: string, maxBytes: number): Promise<string | undefined> {
  if (!path) return undefined;
  // Most streams of most jobs are empty (stderr of a job that went well): one call settles those.
  const found = await stat(path).catch(() => undefined);
  if (!found || found.size === 0) return undefined;
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    // Read the size again: the file may have changed since (a process the job left behind).
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    if (length === size) return buffer.toString('utf8');
    const newline = buffer.indexOf(0x0a);
    return (newline >= 0 ? buffer.subarray(newline + 1) : buffer).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** The tails a result carries: `stdout_tail` / `stderr_tail`, each only when the file had text. */
export async function attemptTails(outcome: {
  status: string;
  stdout_path: string;
  stderr_path: string;
}): Promise<{ stdout_tail?: string; stderr_tail?: string }> {
  const bytes = outcome.status === 'completed' ? COMPLETED_TAIL_BYTES : FAILED_TAIL_BYTES;
  const [out, err] = await Promise.all([readTail(outcome.stdout_path, bytes), readTail(outcome.stderr_path, bytes)]);
  return { ...(out ? { stdout_tail: out } : {}), ...(err ? { stderr_tail: err } : {}) };
}

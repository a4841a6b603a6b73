/**
 * Looking at real processes from a test: whether one still runs, its process group, waiting
 * for a condition with a deadline, and running a snippet of TypeScript in a process of its own
 * (to watch what happens when that process exits).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The fields of /proc/PID/stat after the command name: [state, ppid, pgrp, …]. */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** Whether process `pid` runs; a zombie (ended, not yet reaped) does not. */
export function alive(pid: number): boolean {
  try {
    return statFields(pid)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** The process group of `pid`. */
export function processGroup(pid: number): number {
  return Number(statFields(pid)[2]);
}

/** Poll `check` until it holds; throws naming `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Run `source` (an ES module, TypeScript imports allowed through tsx) in a node process of its own, to its end. */
export async function runModuleSource(source: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', source], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, stdout };
}

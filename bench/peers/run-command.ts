/**
 * Run a peer's command line to completion and time it, or ask a tool for its version: the
 * small process helpers every peer runner shares.
 */
import { spawn, spawnSync } from 'node:child_process';
import { msSince } from './peer.js';

/**
 * Run `command args` in `cwd`; resolve with its wall milliseconds.
 * @throws when it exits non-zero (its stderr's tail in the message): a failed peer is not timed.
 */
export function timedRun(command: string, args: string[], cwd?: string, stdin?: string): Promise<number> {
  return new Promise((done, fail) => {
    const began = process.hrtime.bigint();
    const child = spawn(command, args, { cwd, stdio: [stdin === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    child.once('error', fail);
    child.once('close', (code) => {
      if (code === 0) done(msSince(began));
      else fail(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

/** The first line `command args` prints (stdout, else stderr), or undefined when it cannot run or fails. */
export function firstLine(command: string, args: string[]): string | undefined {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (r.error || r.status !== 0) return undefined;
  return (r.stdout.trim() || r.stderr.trim()).split('\n')[0];
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { alive, runModuleSource, until } from '../../test/support/process-probes.js';

/**
 * A process that launches `command` through `killedOnExit(directLauncher)`, prints the job's
 * pid and the pid of a child the job started, and then exits (`release` first, when asked).
 */
async function ownerThatExits(release: boolean): Promise<{ code: unknown; pids: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-kill-on-exit-'));
  const modules = {
    kill: join(import.meta.dirname, 'kill-jobs-on-exit.ts'),
    launcher: join(import.meta.dirname, 'process-launcher.ts'),
  };
  const { code, stdout } = await runModuleSource(
    `const { killedOnExit } = await import(${JSON.stringify(modules.kill)});
       const { directLauncher } = await import(${JSON.stringify(modules.launcher)});
       const launcher = killedOnExit(directLauncher);
       const job = await launcher.launch({
         file: '/bin/sh',
         // The job ignores SIGTERM and has a child of its own: the whole group must go.
         args: ['-c', "trap '' TERM; sleep 60 & echo $! > child.pid; wait"],
         cwd: ${JSON.stringify(dir)}, env: {},
         stdoutPath: ${JSON.stringify(join(dir, 'out'))}, stderrPath: ${JSON.stringify(join(dir, 'err'))},
       });
       const fs = await import('node:fs');
       while (!fs.existsSync(${JSON.stringify(join(dir, 'child.pid'))})) await new Promise((r) => setTimeout(r, 10));
       await new Promise((r) => setTimeout(r, 50));
       process.stdout.write(job.pid + ' ' + fs.readFileSync(${JSON.stringify(join(dir, 'child.pid'))}, 'utf8').trim() + '\\n');
       ${release ? 'launcher.release();' : ''}
       process.exit(5);`,
  );
  return { code, pids: stdout.trim().split(' ').map(Number) };
}

describe('killedOnExit', () => {
  it("kills the process groups of jobs still running when the process exits, a job's children included", async () => {
    const { code, pids } = await ownerThatExits(false);
    expect(code).toBe(5);
    expect(pids).toHaveLength(2);
    await until(() => pids.every((pid) => !alive(pid)));
  });

  it('leaves them alone once released (the worker stopped them itself)', async () => {
    const { code, pids } = await ownerThatExits(true);
    expect(code).toBe(5);
    try {
      expect(pids.every((pid) => alive(pid))).toBe(true);
    } finally {
      process.kill(-pids[0]!, 'SIGKILL');
    }
  });
});

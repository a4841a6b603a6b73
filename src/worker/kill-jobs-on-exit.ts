/**
 * A worker's jobs must not outlive it: their results could never be reported, and nothing
 * would stop them. Jobs lead process groups of their own (so that a terminal's Ctrl-C reaches
 * the worker, which terminates them in order), so they are not killed with the worker's group;
 * a worker that exits before its jobs end — a second Ctrl-C, a shutdown deadline — kills
 * their groups as it exits. Only a SIGKILL of the worker leaves them running.
 */
import type { LaunchedProcess, ProcessLauncher } from './process-launcher.js';

/**
 * `launcher`, remembering the processes it started (jobs and recovery scripts) until they
 * end; any still running when this process exits are killed with their process groups.
 * `release()` once the worker has stopped.
 */
export function killedOnExit(launcher: ProcessLauncher): ProcessLauncher & { release(): void } {
  const groups = new Set<number>();
  const onExit = () => {
    for (const pid of groups) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    }
  };
  process.on('exit', onExit);
  return {
    async launch(request): Promise<LaunchedProcess> {
      const launched = await launcher.launch(request);
      groups.add(launched.pid);
      void launched.exited.then(() => groups.delete(launched.pid));
      return launched;
    },
    close: () => launcher.close(),
    release: () => process.off('exit', onExit),
  };
}

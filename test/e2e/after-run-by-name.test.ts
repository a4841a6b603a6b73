/**
 * Merge loose ends (issue 11): after `jobgraph run` has ended, the new `workflow events`,
 * `watch` and `delete` commands work on the `.jobgraph/` store it left, no server running,
 * with the workflow named by its name as the other commands take it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import { makeRunDir, runCli } from './support/cli.js';
import { freePort } from './support/test-server.js';

describe("a finished run's local store, by workflow name", () => {
  it('workflow events, watch and delete answer from it', async () => {
    const dir = makeRunDir();
    writeFileSync(
      join(dir, 'pair.yaml'),
      `name: pair_after_run
jobs:
  - { name: first, command: "true" }
  - { name: second, command: "true", depends_on: [first] }
`,
    );
    // No API listens here: the commands fall back to ./.jobgraph/ (api-client-flags.ts).
    const env = {
      REDIS_URL: inject('redisUrl'),
      JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}`,
      JOBGRAPH_API: `http://127.0.0.1:${await freePort()}`,
    };
    const run = await runCli(['run', 'pair.yaml', '--json'], { cwd: dir, env });
    expect(run.code, run.stderr).toBe(0);
    const key = (JSON.parse(run.stdout) as { workflow: string }).workflow;

    const events = await runCli(['workflow', 'events', 'pair_after_run'], { cwd: dir, env });
    expect(events.code, events.stderr).toBe(0);
    expect(events.stderr).toMatch(/reading the local store/);
    const types = events.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(' ')[1]);
    expect(types[0]).toBe('workflow_started');
    expect(types.filter((t) => t === 'job_completed')).toHaveLength(2);
    expect(types.at(-1)).toBe('workflow_finished');

    const watch = await runCli(['workflow', 'watch', 'pair_after_run', '--json'], { cwd: dir, env });
    expect(watch.code, watch.stderr).toBe(0);
    expect(JSON.parse(watch.stdout)).toMatchObject({ status: 'completed', total: 2, exitCode: 0 });

    const deleted = await runCli(['workflow', 'delete', 'pair_after_run'], { cwd: dir, env });
    expect(deleted.code, deleted.stderr).toBe(0);
    const gone = await runCli(['workflow', 'status', key], { cwd: dir, env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/not_found|does not exist/);
  }, 180_000);
});

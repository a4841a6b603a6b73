/**
 * The CLI tells the user which spec fields jobgraph accepts but does not act on yet: one
 * `warning: …` line each on stderr (stdout stays the table, key or JSON tools read), and
 * `--json` output carries them as `warnings`. Real CLI processes, a real SQLite file, a real
 * `jobgraph server` and the suite's real redis-server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { randomKey } from '../../src/core/keys.js';
import { makeRunDir, processesIn, runCli } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const SPEC = `name: torc-settings
use_pending_failed: true
resource_monitor: { enabled: true, plot_format: png }
user_data:
  - { name: scratch, is_ephemeral: true, data: 1 }
jobs:
  - { name: a, command: 'true' }
`;
const WARNINGS = [
  'use_pending_failed: accepted, not acted on yet',
  'resource_monitor.plot_format: accepted, not acted on yet',
  'user_data[0].is_ephemeral: accepted, not acted on yet',
];
const children = childrenKilledAfterEach();
const warningLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('warning: '));

function specDir(): { dir: string; spec: string } {
  const dir = makeRunDir();
  const spec = join(dir, 'torc.yaml');
  writeFileSync(spec, SPEC);
  return { dir, spec };
}

// Each test spawns real CLI processes; on a loaded 2-core machine a start-up alone can take seconds.
describe('spec warnings in the CLI', { timeout: 120_000 }, () => {
  it('run --dry-run prints them on stderr, one per line, and in --json', async () => {
    const { dir, spec } = specDir();
    const text = await runCli(['run', spec, '--dry-run'], { cwd: dir });
    expect(text.code, text.stderr).toBe(0);
    expect(warningLines(text.stderr)).toEqual(WARNINGS.map((w) => `warning: ${w}`));
    expect(text.stdout).not.toContain('warning');
    expect(text.stdout).toContain('jobs 1,');

    const json = await runCli(['run', spec, '--dry-run', '--json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ jobs: 1, warnings: WARNINGS });
    expect(warningLines(json.stderr)).toHaveLength(WARNINGS.length);
  });

  it('workflow create and submit print them; --json includes them; create --dry-run too', async () => {
    const { dir, spec } = specDir();
    const { api, env } = await startTestServer(dir, children);
    const cli = (...args: string[]) => runCli([...args, '--api', api], { cwd: dir, env });

    const created = await cli('workflow', 'create', spec);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout.trim()).toMatch(/^\S+$/); // the key alone
    expect(warningLines(created.stderr)).toEqual(WARNINGS.map((w) => `warning: ${w}`));

    const json = await cli('workflow', 'create', spec, '--json');
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ name: 'torc-settings', warnings: WARNINGS });

    const dry = await cli('workflow', 'create', spec, '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout).warnings).toEqual(WARNINGS);
    expect(warningLines(dry.stderr)).toHaveLength(WARNINGS.length);

    const submitted = await cli('workflow', 'submit', spec, '--json');
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(JSON.parse(submitted.stdout).warnings).toEqual(WARNINGS);
    expect(warningLines(submitted.stderr)).toEqual(WARNINGS.map((w) => `warning: ${w}`));
  });

  it('run executes the spec (not refused) and its --json report includes them', async () => {
    const { dir, spec } = specDir();
    const result = await runCli(['run', spec, '--json'], {
      cwd: dir,
      env: { REDIS_URL: inject('redisUrl'), JOBGRAPH_QUEUE_PREFIX: `e2e-${randomKey(6)}` },
    });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { status: string; warnings: string[] };
    expect(report.warnings).toEqual(WARNINGS);
    expect(report.status).toBe('completed');
    expect(warningLines(result.stderr)).toHaveLength(WARNINGS.length);
    expect(processesIn(dir)).toEqual([]);
  });
});

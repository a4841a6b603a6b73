/**
 * The resources commands as a user runs them: `jobgraph server`, a `jobgraph worker start`
 * that detects two GPUs from a fake nvidia-smi on its PATH, then `workflow resources` and
 * `workflow plot` against the results.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiRequest } from '../../src/cli/api-request.js';
import type { ResourceReport } from '../../src/cli/resource-report.js';
import { fakeGpuTools } from '../support/fake-gpu-tools.js';
import { makeRunDir, runCli } from './support/cli.js';
import { childrenKilledAfterEach, startTestServer } from './support/test-server.js';

const children = childrenKilledAfterEach();

describe('jobgraph workflow resources / plot', { timeout: 180_000 }, () => {
  it('reports requested versus used, and writes an offline HTML plot', async () => {
    const dir = makeRunDir();
    const tools = fakeGpuTools({ nvidia: 2 });
    try {
      writeFileSync(
        join(dir, 'res.yaml'),
        [
          'name: res-cli',
          'resource_monitor: { granularity: time_series, sample_interval_seconds: 0.2, generate_plots: true }',
          'resource_requirements:',
          '  - { name: big, num_cpus: 1, memory: 4g, num_gpus: 1, runtime: PT5M }',
          'jobs:',
          `  - { name: alloc, command: "echo $CUDA_VISIBLE_DEVICES; python3 -c \\"b = b'x' * (100 * 1000 * 1000); import time; time.sleep(1.5)\\"", resource_requirements: big }`,
          '',
        ].join('\n'),
      );
      const { api, env, cli } = await startTestServer(dir, children);
      const key = (await cli('workflow', 'create', 'res.yaml')).trim();
      await cli('workflow', 'start', key);
      const worker = await runCli(['worker', 'start', '--api', api, '--workflow', key, '--cpus', '2', '--mem', '8g'], {
        cwd: dir,
        env: { ...env, PATH: tools.pathWith(process.env.PATH) },
      });
      expect(worker.code).toBe(0);
      // generate_plots: the worker that saw the workflow end left the report beside the job logs.
      const generated = readFileSync(join(dir, '.jobgraph', 'logs', key, 'resource-plots.html'), 'utf8');
      expect(generated).toContain(`Resources of workflow ${key}`);
      expect(generated).toContain('"alloc"');

      const report = JSON.parse(await cli('workflow', 'resources', key, '--json')) as ResourceReport;
      expect(report.jobs).toHaveLength(1);
      const alloc = report.jobs[0]!;
      expect(alloc).toMatchObject({ name: 'alloc', requirement: 'big', requested_memory_bytes: 4 * 1024 ** 3 });
      expect(alloc.peak_memory_bytes!).toBeGreaterThan(100e6);
      expect(alloc.suggestions).toEqual([expect.stringMatching(/^lower memory to \d+m$/)]);
      expect(await cli('workflow', 'resources', key)).toMatch(/per resource requirement[\s\S]*big[\s\S]*lower memory/);

      // Read from the API: `workflow results --json` lists log paths and outcomes, not resource_usage.
      const results = await apiRequest<{ items: Array<{ resource_usage: { gpu_ids: string[] } }> }>(
        api,
        'GET',
        `/workflows/${key}/results`,
      );
      expect(results.items[0]!.resource_usage.gpu_ids).toEqual(['0']);

      expect(await cli('workflow', 'plot', key, '--out', 'plot.html')).toBe('wrote plot.html\n');
      const html = readFileSync(join(dir, 'plot.html'), 'utf8');
      expect(html).toContain(`Resources of workflow ${key}`);
      expect(html).not.toMatch(/<script[^>]+src=/); // nothing to fetch: it opens offline
      await expect(cli('workflow', 'plot', key, '--out', 'plot.svg')).rejects.toThrow(/must end in .html or .png/);
      expect(existsSync(join(dir, 'plot.svg'))).toBe(false);
    } finally {
      tools.remove();
    }
  });
});

/** The local adapter beyond the provider contract: several workers, their flags, and close(). */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../src/core/errors.js';
import { LocalProvider } from '../../src/provision/local/local-provider.js';
import { freshRequest, schedulerDoc } from '../contract/provider-fixtures.js';
import { processesIn, waitFor } from '../e2e/support/cli.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const request = (script: string, fields: Record<string, unknown> = {}) =>
  freshRequest((workflow) => schedulerDoc(workflow, 'local', 'here', fields), ['/bin/sh', '-c', script, 'sh'], dirs);

describe('local provider', () => {
  it('starts one worker per node, sized by the scheduler, all writing to one output file', async () => {
    const provider = new LocalProvider();
    const req = request('echo "$JOBGRAPH_ALLOCATION $*"', {
      nodes: 2,
      num_cpus: 2,
      memory_bytes: 1048576,
      num_gpus: 0,
    });
    const { provider_id: id, details } = await provider.submit(req);
    expect(id).toBe(`local-${req.allocation}`);
    await waitFor(async () => ((await provider.status([id])).get(id)!.state === 'ended' ? true : undefined));
    const lines = readFileSync(details!.output_path as string, 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(2);
    for (const line of lines)
      expect(line).toBe(
        `${req.allocation} worker start --api http://127.0.0.1:9 --workflow ${req.workflow} --allocation ${req.allocation} ` +
          `--cwd ${req.worker.cwd} --cpus 2 --mem 1048576b --gpus 0`,
      );
    expect((await provider.status([id])).get(id)).toMatchObject({ state: 'ended', reason: 'finished' });
    await expect(provider.submit(req)).rejects.toBeInstanceOf(ConflictError);
    await provider.close();
  });

  it('close() stops every worker, SIGKILL for one that ignores SIGTERM, and waits for them', async () => {
    const provider = new LocalProvider({ killGraceMs: 500 });
    const stubborn = request("trap '' TERM; echo ignoring; while :; do sleep 1; done", { nodes: 2 });
    const polite = request('sleep 600');
    const submitted = await provider.submit(stubborn);
    const ids = [submitted.provider_id, (await provider.submit(polite)).provider_id];
    const output = submitted.details!.output_path as string;
    await waitFor(() => (readFileSync(output, 'utf8').match(/ignoring/g)?.length === 2 ? true : undefined));
    const started = Date.now();
    await provider.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(processesIn(stubborn.worker.cwd)).toEqual([]);
    expect(processesIn(polite.worker.cwd)).toEqual([]);
    const statuses = await provider.status(ids);
    expect([...statuses.values()].map((s) => [s.state, s.reason])).toEqual([
      ['ended', 'canceled'],
      ['ended', 'canceled'],
    ]);
    await provider.close();
  });

  it('describes the processes it would start as shell lines', async () => {
    const text = await new LocalProvider().describe(request('sleep 1', { nodes: 2, walltime_s: 30 }));
    expect(text.split('\n').filter((l) => l.startsWith('(cd '))).toHaveLength(2);
    expect(text).toContain('stopped after 30 s');
  });
});

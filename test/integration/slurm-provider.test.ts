/**
 * The Slurm adapter against the run's private Slurm cluster, beyond the provider contract:
 * what the script asks for is what Slurm records, one worker per node through srun, the
 * worker's view of its job, and failures that must read clearly.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ProviderError, UnavailableError } from '../../src/core/errors.js';
import { randomKey } from '../../src/core/keys.js';
import type { AllocationRequest, AllocationStatus } from '../../src/provision/provider.js';
import { readSlurmNode, slurmJobEndTime } from '../../src/provision/slurm/slurm-node.js';
import { SlurmProvider } from '../../src/provision/slurm/slurm-provider.js';
import { waitFor } from '../e2e/support/cli.js';
import { freshRequest, schedulerDoc, slurmTestFields } from '../contract/provider-fixtures.js';
import { requireSlurm } from '../setup/require-slurm.js';

const slurm = requireSlurm();
const MB = 1024 ** 2;

const whichSbatch = () => execFileSync('sh', ['-c', 'command -v sbatch']).toString().trim();

/** A file's text, or '' while Slurm has not created it yet (it does so after the job starts). */
function textOf(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

describe.runIf(slurm)('Slurm provider on a real cluster', () => {
  const provider = new SlurmProvider({ env: slurm?.env });
  const dirs: string[] = [];
  const submitted: string[] = [];
  afterAll(async () => {
    await Promise.allSettled(submitted.map((id) => provider.cancel(id)));
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  const request = (command: string[], fields: Record<string, unknown> = {}) =>
    freshRequest(
      (workflow) => schedulerDoc(workflow, 'slurm', 'short', { ...slurmTestFields(slurm!.partition), ...fields }),
      command,
      dirs,
    );
  async function submit(req: AllocationRequest) {
    const result = await provider.submit(req);
    submitted.push(result.provider_id);
    return result;
  }
  const scontrol = async (id: string) =>
    (await promisify(execFile)('scontrol', ['show', 'job', id], { env: { ...process.env, ...slurm!.env } })).stdout;
  const until = (id: string, ok: (st: AllocationStatus) => boolean, what: string) =>
    waitFor(
      async () => {
        const st = (await provider.status([id])).get(id)!;
        return ok(st) ? st : undefined;
      },
      30_000,
      `${id} ${what}`,
    );
  const sleeper = ['/bin/sh', '-c', 'sleep 600', 'sh'];

  it('asks for the account and QoS in the script; Slurm records the account', async () => {
    const req = request(sleeper, { qos: 'high', comment: 'two words', extra: '-c 2 --mem=200M' });
    const { provider_id: id, details } = await submit(req);
    const script = readFileSync(details!.script_path as string, 'utf8');
    expect(script).toContain('#SBATCH --account=proj1\n');
    expect(script).toContain('#SBATCH --qos=high\n');
    const job = await scontrol(id);
    expect(job).toContain('Account=proj1');
    // Without accounting storage (no slurmdbd) slurmctld keeps no QoS: it shows QOS=(null).
    // Where accounting runs, an unknown QoS is refused at sbatch time instead.
    expect(job).toMatch(/QOS=\S+/);
    expect(job).toContain('Comment=two words');
    expect(job).toContain('TimeLimit=00:10:00');
    // `extra` comes last and wins over the scheduler's `mem`, as sbatch reads later lines last.
    expect(job).toMatch(/CPUs\/Task=2 /);
    expect(job).toMatch(/MinMemoryNode=200M/);
  });

  it('reports a running job with its node, start, end and output file', async () => {
    const req = request(['/bin/sh', '-c', 'echo started; sleep 600', 'sh'], { walltime_s: 120 });
    const { provider_id: id, details } = await submit(req);
    const running = await until(id, (st) => st.state === 'running', 'running');
    expect(running.node_names).toHaveLength(1);
    expect(slurm!.nodeNames).toContain(running.node_names![0]);
    expect(Date.parse(running.ends_at!) - Date.parse(running.started_at!)).toBe(120_000);
    await waitFor(() => (textOf(details!.output_path as string).includes('started') ? true : undefined));
    expect(await scontrol(id)).toContain('TimeLimit=00:02:00');
  });

  it('starts one worker per node with srun, whatever the tasks per node', async () => {
    const report = 'echo "node=$SLURM_NODEID host=$SLURMD_NODENAME args=$*"';
    const req = request(['/bin/sh', '-c', report, 'sh'], { nodes: 2, ntasks_per_node: 2 });
    const { provider_id: id, details } = await submit(req);
    expect(readFileSync(details!.script_path as string, 'utf8')).toMatch(/\nexec srun --ntasks-per-node=1 --nodes=2 /);
    expect((await until(id, (st) => st.state === 'ended', 'ended')).reason).toBe('finished');
    const lines = readFileSync(details!.output_path as string, 'utf8')
      .trim()
      .split('\n')
      .sort();
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual([
      `node=0 host=${slurm!.nodeNames[0]}`,
      `node=1 host=${slurm!.nodeNames[1]}`,
    ]);
    expect(lines[0]).toContain(`args=worker start --api http://127.0.0.1:9 --workflow ${req.workflow}`);
  });

  it("a worker learns its size and its lease's end from its own job", async () => {
    const req = request(
      ['/bin/sh', '-c', 'env > "$0.tmp" && mv "$0.tmp" "$0.env"; sleep 600', join(tmpdir(), `jg-env-${randomKey(6)}`)],
      {
        mem: '300M',
        cpus_per_task: 2,
      },
    );
    const envFile = `${req.worker.command[3]}.env`;
    dirs.push(envFile);
    const { provider_id: id } = await submit(req);
    const running = await until(id, (st) => st.state === 'running', 'running');
    const text = await waitFor(() => textOf(envFile) || undefined);
    const env = Object.fromEntries(
      text
        .trim()
        .split('\n')
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env.JOBGRAPH_ALLOCATION).toBe(req.allocation);
    expect(readSlurmNode(env)).toEqual({
      jobId: id,
      numCpus: 2,
      memoryBytes: 300 * MB,
      numGpus: 0,
      numNodes: 1,
      nodeId: 0,
    });
    expect((await slurmJobEndTime(id, slurm!.env))?.toISOString()).toBe(running.ends_at);
  });

  it("refuses with Slurm's own words on one line, naming the scheduler, and leaves no job", async () => {
    const req = request(sleeper, { partition: 'no-such-partition' });
    const err = await provider.submit(req).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toBe(
      'slurm scheduler "short": invalid partition specified: no-such-partition; ' +
        'Batch job submission failed: Invalid partition name specified',
    );
    expect(await provider.list({ workflow: req.workflow })).toEqual([]);
  });

  it('adopts the job when sbatch queued it but its answer was lost', async () => {
    // A real sbatch whose answer never comes back before the provider's deadline.
    const bin = mkdtempSync(join(tmpdir(), 'jg-slow-sbatch-'));
    dirs.push(bin);
    writeFileSync(join(bin, 'sbatch'), `#!/bin/sh\n${whichSbatch()} "$@" > /dev/null\nexec sleep 30\n`, {
      mode: 0o755,
    });
    const slow = new SlurmProvider({
      env: { ...slurm!.env, PATH: `${bin}:${process.env.PATH}` },
      commandTimeoutMs: 3000,
    });
    const req = request(sleeper);
    const { provider_id: id } = await slow.submit(req);
    submitted.push(id);
    const [listed] = await provider.list({ workflow: req.workflow });
    expect(listed).toMatchObject({ provider_id: id, allocation: req.allocation });
  });

  it('is unavailable, not refused, where sbatch and squeue are not on PATH', async () => {
    const nowhere = new SlurmProvider({ env: { ...slurm!.env, PATH: '/nonexistent' } });
    const err = await nowhere.submit(request(sleeper)).catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toMatch(/^sbatch not found on PATH/);
    await expect(nowhere.status(['1'])).rejects.toBeInstanceOf(UnavailableError);
  });

  it('sizes a node from what the job asks, and from sinfo for what it leaves to Slurm', async () => {
    const scheduler = request(sleeper).scheduler;
    expect(await provider.nodeShape(scheduler)).toEqual({ num_cpus: 1, memory_bytes: 100 * MB, num_gpus: 0 });
    // The cluster's nodes declare 8 CPUs and 16000 MB.
    expect(await provider.nodeShape({ ...scheduler, mem: undefined, extra: '--exclusive' })).toEqual({
      num_cpus: 8,
      memory_bytes: 16000 * MB,
      num_gpus: 0,
    });
    expect(await provider.nodeShape({ ...scheduler, mem: undefined, cpus_per_task: 2 })).toEqual({
      num_cpus: 2,
      memory_bytes: 4000 * MB,
      num_gpus: 0,
    });
  });
});

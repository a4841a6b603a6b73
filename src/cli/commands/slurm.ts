/**
 * `jobgraph slurm submit KEY`: ask for a Slurm allocation by hand. The request goes through
 * the API and a provisioner (`jobgraph server`, `jobgraph scale`) submits it where sbatch works;
 * this command waits for the answer and prints the Slurm job id, or Slurm's refusal.
 * `--dry-run` prints the sbatch script instead, built here, and submits nothing.
 */
import { Command } from 'commander';
import { loadConfig } from '../../core/config.js';
import { ProviderError, ValidationError } from '../../core/errors.js';
import type { AllocationDoc, SchedulerDoc, WorkflowDoc } from '../../core/model.js';
import { parseDuration, parseSlurmDuration } from '../../core/units.js';
import { clientFor, listAll, withClientFlags, type ApiCall, type ClientFlags } from '../api-client-flags.js';
import { positiveIntFlag, secondsFlag } from '../flags.js';

interface SubmitFlags extends ClientFlags {
  scheduler?: string;
  account?: string;
  qos?: string;
  partition?: string;
  nodes?: number;
  walltime?: string;
  oneWorker?: boolean;
  maxParallelJobs?: number;
  dryRun?: boolean;
  wait: number;
}

const POLL_MS = 500;

export function slurmCommand(): Command {
  const slurm = new Command('slurm').description('Slurm allocations for a workflow');
  withClientFlags(
    slurm
      .command('submit <workflow>')
      .description('submit a Slurm allocation whose workers serve the workflow (through the API and a provisioner)'),
  )
    .option('--scheduler <name>', "one of the workflow's slurm_schedulers (default: its only one)")
    .option('--account <account>', 'Slurm account (overrides the scheduler)')
    .option('--qos <qos>', 'Slurm QoS (overrides the scheduler)')
    .option('--partition <partition>', 'Slurm partition (overrides the scheduler)')
    .option('--nodes <n>', 'nodes (default: the scheduler)', positiveIntFlag)
    .option('--walltime <time>', 'wall time, "HH:MM:SS", "D-HH:MM:SS" or "PT2H" (default: the scheduler)')
    .option('--one-worker', 'one worker for the whole allocation (multi-node jobs) instead of one per node')
    .option('--max-parallel-jobs <n>', 'most jobs a worker runs at once', positiveIntFlag)
    .option('--dry-run', 'print the sbatch script; submit nothing')
    .option('--wait <seconds>', 'how long to wait for the provisioner to submit it', secondsFlag, 60)
    .action(async (workflow: string, flags: SubmitFlags) => {
      const call = clientFor(flags);
      const base = `/workflows/${encodeURIComponent(workflow)}`;
      const scheduler = await chooseScheduler(call, base, flags);
      const overrides = Object.fromEntries(
        (['account', 'qos', 'partition'] as const).filter((k) => flags[k] !== undefined).map((k) => [k, flags[k]!]),
      );
      if (flags.walltime !== undefined && walltimeSeconds(flags.walltime) === undefined)
        throw new ValidationError([{ path: '--walltime', message: `invalid walltime "${flags.walltime}"` }]);
      if (flags.dryRun) {
        process.stdout.write(await dryRun(call, base, scheduler, overrides, flags));
        return;
      }
      const requested = await call<AllocationDoc>('POST', `${base}/allocation-requests`, {
        scheduler: scheduler.name,
        ...(flags.nodes !== undefined && { nodes: flags.nodes }),
        ...(flags.walltime !== undefined && { walltime: flags.walltime }),
        ...(Object.keys(overrides).length > 0 && { overrides }),
        ...(flags.oneWorker && { per_node: false }),
        ...(flags.maxParallelJobs !== undefined && { max_parallel_jobs: flags.maxParallelJobs }),
      });
      const doc = await waitForSubmission(call, `${base}/allocations/${requested._key}`, flags.wait * 1000);
      if (flags.json) process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
      if (doc.state === 'requested' || doc.state === 'submitting')
        throw new ProviderError(
          `allocation ${doc._key} is still ${doc.state} after ${flags.wait} s: is a provisioner running where sbatch ` +
            'works (jobgraph server, or jobgraph scale on the login node)?',
          { provider: 'slurm', scheduler: scheduler.name },
        );
      if (doc.state === 'ended')
        throw new ProviderError(`slurm scheduler "${scheduler.name}": ${doc.message ?? `allocation ${doc.reason}`}`, {
          provider: 'slurm',
          scheduler: scheduler.name,
        });
      if (!flags.json)
        process.stdout.write(`${doc._key}: Slurm job ${doc.provider_id} (${doc.state}), scheduler ${scheduler.name}\n`);
    });
  return slurm;
}

function walltimeSeconds(text: string): number | undefined {
  const s = parseSlurmDuration(text) ?? parseDuration(text);
  return s !== undefined && s > 0 ? s : undefined;
}

async function chooseScheduler(call: ApiCall, base: string, flags: SubmitFlags): Promise<SchedulerDoc> {
  const slurm = (await listAll<SchedulerDoc>(call, `${base}/schedulers`)).filter((s) => s.type === 'slurm');
  if (flags.scheduler !== undefined) {
    const named = slurm.find((s) => s.name === flags.scheduler);
    if (named) return named;
    throw new ValidationError([
      {
        path: '--scheduler',
        message: `no slurm scheduler named "${flags.scheduler}" (the workflow has ${slurm.map((s) => s.name).join(', ') || 'none'})`,
      },
    ]);
  }
  if (slurm.length === 1) return slurm[0]!;
  if (slurm.length > 1)
    throw new ValidationError([
      {
        path: '--scheduler',
        message: `the workflow has several slurm schedulers: ${slurm.map((s) => s.name).join(', ')}`,
      },
    ]);
  // None in the spec: one made from the flags.
  const walltime = flags.walltime ?? '01:00:00';
  return call<SchedulerDoc>('POST', `${base}/schedulers`, {
    name: 'cli',
    type: 'slurm',
    nodes: flags.nodes ?? 1,
    walltime,
    walltime_s: walltimeSeconds(walltime),
  });
}

async function dryRun(
  call: ApiCall,
  base: string,
  scheduler: SchedulerDoc,
  overrides: Record<string, string>,
  flags: SubmitFlags,
): Promise<string> {
  const config = loadConfig({ JOBGRAPH_API: flags.api });
  const [{ SlurmProvider }, { workerLaunch }, workflow, count] = await Promise.all([
    import('../../provision/slurm/slurm-provider.js'),
    import('../../provision/worker-launch.js'),
    call<WorkflowDoc>('GET', base),
    call<{ total: number }>('GET', `${base}/allocations?limit=1`),
  ]);
  const { allocationKey } = await import('../../provision/allocation-names.js');
  const provider = new SlurmProvider();
  const merged = { ...scheduler, ...overrides };
  await provider.validate(merged);
  const walltime_s = flags.walltime !== undefined ? walltimeSeconds(flags.walltime) : scheduler.walltime_s;
  return provider.describe({
    allocation: allocationKey(workflow._key, count.total + 1),
    workflow: workflow._key,
    scheduler: merged,
    nodes: flags.nodes ?? scheduler.nodes ?? 1,
    ...(walltime_s !== undefined && { walltime_s }),
    worker: workerLaunch(
      { apiUrl: config.JOBGRAPH_PUBLIC_API ?? config.JOBGRAPH_API, cwd: process.cwd(), token: config.JOBGRAPH_TOKEN },
      workflow,
      {
        perNode: !flags.oneWorker,
        ...(flags.maxParallelJobs !== undefined && { maxParallelJobs: flags.maxParallelJobs }),
      },
    ),
  });
}

async function waitForSubmission(call: ApiCall, path: string, timeoutMs: number): Promise<AllocationDoc> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const doc = await call<AllocationDoc>('GET', path);
    if ((doc.state !== 'requested' && doc.state !== 'submitting') || Date.now() >= deadline) return doc;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

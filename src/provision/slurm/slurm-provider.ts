/**
 * The `slurm` adapter of the provider port: sbatch, squeue, scancel and sinfo, run where
 * they work (a login node) as the user. One allocation is one Slurm job named
 * `jg-<allocation key>`; its script and output live in the launch's `outputDir`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { ProviderError, UnavailableError } from '../../core/errors.js';
import type { SchedulerDoc } from '../../core/model.js';
import { isAllocationOf } from '../allocation-names.js';
import type {
  AllocationRequest,
  AllocationStatus,
  ComputeProvider,
  NodeShape,
  SubmittedAllocation,
} from '../provider.js';
import { slurmJobName } from './job-name.js';
import { SINFO_NODE_FORMAT, needsNodeFacts, slurmNodeShape, smallestNode } from './node-shape.js';
import { effectiveOptions } from './sbatch-options.js';
import { outputPath, sbatchScript, scriptPath } from './sbatch-script.js';
import { isTransientSlurmError, runSlurmCommand, slurmMessage, slurmOutput } from './slurm-command.js';
import { allocationStatusOf, parseSqueueJson, type SqueueJob } from './squeue-jobs.js';
import { validateSlurmRequest, validateSlurmScheduler } from './validate-slurm-scheduler.js';

/** How the Slurm adapter runs Slurm's commands. */
export interface SlurmProviderOptions {
  /** Merged over the inherited environment for every command (tests pass SLURM_CONF). */
  env?: Record<string, string>;
  /** Deadline of one Slurm command. @default 30000 */
  commandTimeoutMs?: number;
}

/** scancel's words for a job that is already gone: nothing left to cancel. */
const ALREADY_GONE = /Invalid job id|already completing or completed|Job has already finished/i;

export class SlurmProvider implements ComputeProvider {
  readonly type = 'slurm' as const;

  constructor(private readonly options: SlurmProviderOptions = {}) {}

  private run(command: string, args: string[], retry = true) {
    return runSlurmCommand(command, args, { env: this.options.env, timeoutMs: this.options.commandTimeoutMs, retry });
  }

  /**
   * Every job squeue knows (Slurm 22.05 ignores squeue's filters with --json; later versions
   * honour `--me`). Ended jobs stay listed for MinJobAge (300 s by default).
   */
  private async squeue(): Promise<SqueueJob[]> {
    const out = await slurmOutput('squeue', ['--json', '--me'], {
      env: this.options.env,
      timeoutMs: this.options.commandTimeoutMs,
    });
    return parseSqueueJson(out);
  }

  async validate(scheduler: SchedulerDoc): Promise<void> {
    validateSlurmScheduler(scheduler);
  }

  async nodeShape(scheduler: SchedulerDoc): Promise<NodeShape> {
    const options = effectiveOptions(scheduler);
    if (!needsNodeFacts(options)) return slurmNodeShape(options);
    const partition = options.get('partition');
    const args = ['-h', '-N', '-o', SINFO_NODE_FORMAT];
    if (typeof partition === 'string') args.push('-p', partition);
    const out = await slurmOutput('sinfo', args, { env: this.options.env, timeoutMs: this.options.commandTimeoutMs });
    const node = smallestNode(out, typeof partition === 'string' ? partition : undefined);
    if (!node)
      throw new ProviderError(
        `slurm scheduler "${scheduler.name}": sinfo lists no nodes in ${typeof partition === 'string' ? `partition "${partition}"` : 'the default partition'}`,
        { provider: 'slurm', scheduler: scheduler.name },
      );
    return slurmNodeShape(options, node);
  }

  async describe(request: AllocationRequest): Promise<string> {
    validateSlurmRequest(request);
    return sbatchScript(request);
  }

  async submit(request: AllocationRequest): Promise<SubmittedAllocation> {
    validateSlurmRequest(request);
    const file = scriptPath(request);
    await mkdir(request.worker.outputDir, { recursive: true });
    await writeFile(file, sbatchScript(request), { mode: 0o700 });
    const submitted = (jobId: string): SubmittedAllocation => ({
      provider_id: jobId,
      details: { script_path: file, output_path: outputPath(request, jobId) },
    });
    const sbatch = () => this.run('sbatch', ['--parsable', file], false);

    let result;
    try {
      result = await sbatch();
    } catch (err) {
      // A reply lost to our deadline may still have queued the job: adopt it if so.
      const adopted = err instanceof UnavailableError ? await this.jobNamed(request.allocation) : undefined;
      if (adopted) return submitted(adopted);
      throw err;
    }
    if (result.code !== 0 && isTransientSlurmError(result.stderr)) {
      const adopted = await this.jobNamed(request.allocation);
      if (adopted) return submitted(adopted);
      result = await sbatch();
    }
    const jobId = result.stdout.trim().split(';')[0] ?? '';
    if (result.code !== 0 || !/^\d+$/.test(jobId))
      throw new ProviderError(
        `slurm scheduler "${request.scheduler.name}": ${slurmMessage(result.stderr || result.stdout)}`,
        {
          provider: 'slurm',
          scheduler: request.scheduler.name,
          allocation: request.allocation,
          script_path: file,
        },
      );
    return submitted(jobId);
  }

  /** The id of a live job named for `allocation`, if sbatch queued one. */
  private async jobNamed(allocation: string): Promise<string | undefined> {
    const jobs = await this.squeue().catch(() => []);
    const name = slurmJobName(allocation);
    const job = jobs.find((j) => j.name === name && allocationStatusOf(j).state !== 'ended');
    return job ? String(job.job_id) : undefined;
  }

  async status(providerIds: string[]): Promise<Map<string, AllocationStatus>> {
    const statuses = new Map<string, AllocationStatus>();
    if (providerIds.length === 0) return statuses;
    const jobs = new Map((await this.squeue()).map((j) => [String(j.job_id), j]));
    for (const id of providerIds) {
      const job = jobs.get(id);
      statuses.set(
        id,
        job
          ? allocationStatusOf(job)
          : { provider_id: id, state: 'ended', reason: 'unknown', message: 'squeue no longer knows this job' },
      );
    }
    return statuses;
  }

  async list(filter: { workflow?: string } = {}): Promise<AllocationStatus[]> {
    const uid = userInfo().uid;
    return (await this.squeue())
      .filter((job) => job.user_id === undefined || job.user_id === uid)
      .map(allocationStatusOf)
      .filter(
        (s) =>
          s.allocation !== undefined &&
          s.state !== 'ended' &&
          (filter.workflow === undefined || isAllocationOf(s.allocation, filter.workflow)),
      );
  }

  async cancel(providerId: string): Promise<void> {
    // Not a Slurm job id: nothing of ours to cancel (and no option to pass to scancel).
    if (!/^\d+$/.test(providerId)) return;
    const result = await this.run('scancel', [providerId]);
    if (result.code === 0 || ALREADY_GONE.test(result.stderr)) return;
    throw new ProviderError(`scancel ${providerId}: ${slurmMessage(result.stderr || result.stdout)}`, {
      provider: 'slurm',
    });
  }

  async close(): Promise<void> {}
}

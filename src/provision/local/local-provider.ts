/**
 * The `local` adapter of the provider port: an allocation is `nodes` worker processes on
 * this machine (laptops, tests, `jobgraph run`). It keeps its allocations in memory only, so
 * a restarted process finds none of its predecessor's to adopt.
 */
import { join } from 'node:path';
import { inheritedEnvironment } from '../../core/config.js';
import { ConflictError, ProviderError } from '../../core/errors.js';
import type { SchedulerDoc } from '../../core/model.js';
import { detectMachineResources } from '../../worker/machine-resources.js';
import type {
  AllocationRequest,
  AllocationStatus,
  ComputeProvider,
  NodeShape,
  SubmittedAllocation,
} from '../provider.js';
import { shellJoin, shellQuote } from '../shell-words.js';
import { validateAllocationRequest } from '../validate-request.js';
import { workerEnvironment, workerStartArgs } from '../worker-args.js';
import { LocalAllocation, type LocalLaunch } from './local-allocation.js';
import { validateLocalScheduler } from './validate-local-scheduler.js';

/** How the local adapter stops its workers. */
export interface LocalProviderOptions {
  /** Between SIGTERM and SIGKILL when an allocation is canceled, reaches its walltime, or the provider closes. @default 10000 */
  killGraceMs?: number;
}

const num = (value: unknown) => (typeof value === 'number' ? value : undefined);

export class LocalProvider implements ComputeProvider {
  readonly type = 'local' as const;
  private readonly allocations = new Map<string, LocalAllocation>();

  constructor(private readonly options: LocalProviderOptions = {}) {}

  async validate(scheduler: SchedulerDoc): Promise<void> {
    validateLocalScheduler(scheduler);
  }

  async nodeShape(scheduler: SchedulerDoc): Promise<NodeShape> {
    const [cpus, mem, gpus] = [num(scheduler.num_cpus), num(scheduler.memory_bytes), num(scheduler.num_gpus)];
    const machine =
      cpus === undefined || mem === undefined || gpus === undefined
        ? await detectMachineResources(inheritedEnvironment())
        : undefined;
    return {
      num_cpus: cpus ?? machine!.num_cpus,
      memory_bytes: mem ?? machine!.memory_bytes,
      num_gpus: gpus ?? machine!.gpus.length,
    };
  }

  private launchOf(request: AllocationRequest): LocalLaunch {
    validateAllocationRequest(request);
    validateLocalScheduler(request.scheduler);
    const { scheduler, worker } = request;
    const [file, ...rest] = worker.command as [string, ...string[]];
    const args = workerStartArgs(request, {
      cpus: num(scheduler.num_cpus),
      memoryBytes: num(scheduler.memory_bytes),
      gpus: num(scheduler.num_gpus),
    });
    return {
      providerId: `local-${request.allocation}`,
      allocation: request.allocation,
      workflow: request.workflow,
      file,
      args: [...rest, ...args],
      cwd: worker.cwd,
      env: workerEnvironment(request),
      outputPath: join(worker.outputDir, `${request.allocation}.out`),
      count: request.nodes ?? scheduler.nodes ?? 1,
      walltimeS: request.walltime_s ?? scheduler.walltime_s,
      killGraceMs: this.options.killGraceMs ?? 10_000,
    };
  }

  async describe(request: AllocationRequest): Promise<string> {
    const l = this.launchOf(request);
    const env = Object.entries(l.env).map(([k, v]) => `${k}=${shellQuote(v)}`);
    const line = `(cd ${shellQuote(l.cwd)} && env ${env.join(' ')} ${shellJoin([l.file, ...l.args])} >> ${shellQuote(l.outputPath)} 2>&1 &)`;
    const limit = l.walltimeS === undefined ? 'no time limit' : `stopped after ${l.walltimeS} s`;
    return [
      `# jobgraph allocation ${l.allocation}: ${l.count} worker process(es) on this machine, ${limit}`,
      ...Array(l.count).fill(line),
      '',
    ].join('\n');
  }

  async submit(request: AllocationRequest): Promise<SubmittedAllocation> {
    const launch = this.launchOf(request);
    if (this.allocations.has(launch.providerId))
      throw new ConflictError(`local allocation ${request.allocation} was submitted already`, {
        allocation: request.allocation,
      });
    let allocation: LocalAllocation;
    try {
      allocation = await LocalAllocation.start(launch);
    } catch (err) {
      throw new ProviderError(
        `local scheduler "${request.scheduler.name}": cannot start ${launch.file}: ${(err as Error).message}`,
        { provider: 'local', scheduler: request.scheduler.name, allocation: request.allocation },
      );
    }
    this.allocations.set(launch.providerId, allocation);
    return { provider_id: launch.providerId, details: { output_path: launch.outputPath } };
  }

  async status(providerIds: string[]): Promise<Map<string, AllocationStatus>> {
    return new Map(
      providerIds.map((id) => [
        id,
        this.allocations.get(id)?.status() ?? {
          provider_id: id,
          state: 'ended',
          reason: 'unknown',
          message: 'no such local allocation in this process',
        },
      ]),
    );
  }

  async list(filter: { workflow?: string } = {}): Promise<AllocationStatus[]> {
    return [...this.allocations.values()]
      .filter((a) => a.live && (filter.workflow === undefined || a.launch.workflow === filter.workflow))
      .map((a) => a.status());
  }

  async cancel(providerId: string): Promise<void> {
    await this.allocations.get(providerId)?.stop('canceled');
  }

  async close(): Promise<void> {
    await Promise.all([...this.allocations.values()].map((a) => a.stop('canceled')));
  }
}

/**
 * The providers a provisioner uses, opened on first use (a server without Slurm never runs
 * sbatch) and closed together. Node shapes are asked once per scheduler document: they
 * come from the scheduler's settings and, for Slurm, `sinfo`.
 */
import type { SchedulerDoc, SchedulerType } from '../core/model.js';
import { openProvider, type OpenProviderOptions } from './open-provider.js';
import type { ComputeProvider, NodeShape } from './provider.js';

export class ProviderRegistry {
  private readonly open = new Map<SchedulerType, ComputeProvider>();
  private readonly shapes = new Map<string, Promise<NodeShape>>();

  constructor(private readonly options: OpenProviderOptions = {}) {}

  /** @throws ValidationError for a type with no adapter */
  get(type: SchedulerType): ComputeProvider {
    let provider = this.open.get(type);
    if (!provider) {
      provider = openProvider(type, this.options);
      this.open.set(type, provider);
    }
    return provider;
  }

  /** The node shape of a scheduler, asked of its provider once. */
  nodeShape(scheduler: SchedulerDoc): Promise<NodeShape> {
    const id = `${scheduler._key}:${JSON.stringify(scheduler)}`;
    let shape = this.shapes.get(id);
    if (!shape) {
      shape = this.get(scheduler.type).nodeShape(scheduler);
      // A failed look-up (sinfo down) is asked again next time.
      shape.catch(() => this.shapes.delete(id));
      this.shapes.set(id, shape);
    }
    return shape;
  }

  /** The providers opened so far. */
  opened(): ComputeProvider[] {
    return [...this.open.values()];
  }

  async close(): Promise<void> {
    const providers = [...this.open.values()];
    this.open.clear();
    await Promise.allSettled(providers.map((p) => p.close()));
  }
}

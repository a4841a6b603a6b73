/** Checks on a local scheduler document (the spec's `local_schedulers` entry, normalized). */
import { z } from 'zod';
import type { SchedulerDoc } from '../../core/model.js';
import { parseOrThrow } from '../../core/zod-issues.js';

const localSchedulerSchema = z.looseObject({
  nodes: z.number().int().min(1, 'must be a whole number of at least 1'),
  num_cpus: z.number().int().positive('must be a positive whole number').optional(),
  memory_bytes: z.number().positive('must be positive').optional(),
  num_gpus: z.number().int().nonnegative('must be a whole number, 0 or more').optional(),
  walltime_s: z.number().positive('must be positive').optional(),
});

/** @throws ValidationError with paths such as `local_schedulers.NAME.num_cpus` */
export function validateLocalScheduler(scheduler: SchedulerDoc): void {
  parseOrThrow(localSchedulerSchema, scheduler, `local_schedulers.${scheduler.name}`);
}

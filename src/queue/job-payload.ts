import { z } from 'zod';

/** The data of one BullMQ job: which attempt of which job, and what it needs. The graph holds the rest. */
export const JobPayloadSchema = z.object({
  workflow: z.string().min(1),
  job: z.string().min(1),
  /** The job's name: what the queue dashboard shows for the entry (absent in entries of older schedulers). */
  name: z.string().optional(),
  attempt: z.number().int().positive(),
  resources: z.object({
    num_cpus: z.number().int().nonnegative(),
    memory_bytes: z.number().int().nonnegative(),
    num_gpus: z.number().int().nonnegative(),
    num_nodes: z.number().int().positive(),
    runtime_s: z.number().nonnegative(),
  }),
});
export type JobPayload = z.infer<typeof JobPayloadSchema>;

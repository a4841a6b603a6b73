import { z } from '@hono/zod-openapi';
import { JOB_STATUSES, WORKFLOW_STATUSES } from '../../core/model.js';

/** A workflow document. */
export const WorkflowSchema = z
  .looseObject({
    _key: z.string(),
    _id: z.string(),
    name: z.string(),
    user: z.string().optional(),
    description: z.string().optional(),
    status: z.enum(WORKFLOW_STATUSES),
    created_at: z.string(),
    started_at: z.string().optional(),
    finished_at: z.string().optional(),
  })
  .openapi('Workflow');

/** Job counts per status, every status present. */
export const StatusCountsSchema = z
  .object(
    Object.fromEntries(JOB_STATUSES.map((s) => [s, z.number().int()])) as Record<
      (typeof JOB_STATUSES)[number],
      z.ZodNumber
    >,
  )
  .openapi('JobStatusCounts');

import { z } from '@hono/zod-openapi';
import { WorkflowSchema } from '../workflows/workflow-schema.js';

const AttemptRefSchema = z.object({ job: z.string(), attempt: z.number().int() });

/** What a cancel request changed. */
export const CancelOutcomeSchema = z
  .object({
    workflow: WorkflowSchema,
    canceled: z
      .array(z.string())
      .openapi({ description: 'Jobs that became `canceled`: the target(s), then dependents' }),
    running: z
      .array(AttemptRefSchema)
      .openapi({ description: 'Attempts that were running; their workers were told to terminate them' }),
    queued: z
      .array(AttemptRefSchema)
      .openapi({ description: 'Attempts that were queued; their queue entries were removed' }),
    newly_ready: z
      .number()
      .int()
      .openapi({ description: 'Dependents that became ready (no `cancel_on_blocking_job_failure`)' }),
  })
  .openapi('CancelOutcome');

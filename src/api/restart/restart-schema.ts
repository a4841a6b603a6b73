import { z } from '@hono/zod-openapi';
import { fewIssues } from '../../core/schemas/few-issues.js';
import { WorkflowSchema } from '../workflows/workflow-schema.js';

const key = z.string().min(1).max(254);
const count = z.number().int().nonnegative();

/** `POST /api/v1/workflows/{wf}/restart` body: the jobs to run again, or `failed_only`. */
export const RestartRequestSchema = z
  .object({
    jobs: fewIssues(z.array(key).max(1_000_000), key)
      .optional()
      .openapi({
        description:
          'Jobs to run again (the CLI plans them: failed, changed inputs, missing outputs). ' +
          'The server adds everything downstream of them.',
      }),
    failed_only: z
      .boolean()
      .optional()
      .openapi({
        description:
          'Without `jobs`: the server plans — every failed/canceled/terminated job and everything downstream ' +
          '(no file checks: files live where the workers run).',
      }),
    reasons: fewIssues(z.record(z.string(), count), count)
      .optional()
      .openapi({ description: 'Reason kind → job count, recorded in the `workflow_restarted` event' }),
    request_id: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({
        description:
          'Makes the request idempotent: a repeat with the same id (a retry after a lost answer) changes nothing ' +
          'and answers the first outcome with `repeated: true`. Recorded in the `workflow_restarted` event.',
        example: '3f1c2a9e-6d0b-4c1e-9a57-2b8e0c4d1f00',
      }),
  })
  .refine((b) => (b.jobs !== undefined) !== (b.failed_only === true), {
    message: 'give either `jobs` or `failed_only: true`',
    path: ['jobs'],
  })
  .openapi('RestartRequest');

export const RestartSelectionSchema = z
  .object({ job: z.string(), name: z.string(), reasons: z.array(z.string()) })
  .openapi('RestartSelection');

/** What a restart changed. */
export const RestartOutcomeSchema = z
  .object({
    workflow: WorkflowSchema,
    reset: z.array(z.string()).openapi({ description: 'Jobs reset to a new attempt, in plan order' }),
    ready: z.number().int().openapi({ description: 'Of those, the ones ready to run at once' }),
    plan: z.array(RestartSelectionSchema).openapi({
      description:
        'What was selected and why: the requested or failed jobs, and their downstream. For a repeated request: ' +
        'the jobs the first one reset, each with the reason "restarted by an earlier request with this request_id"',
    }),
    repeated: z
      .boolean()
      .optional()
      .openapi({ description: 'True when this answers an earlier request with the same `request_id`' }),
  })
  .openapi('RestartOutcome');

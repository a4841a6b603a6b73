/**
 * Bodies of Direct-mode document writes (`POST|PATCH /api/v1/workflows/{wf}/{collection}`),
 * per collection. Every schema is loose: fields it does not name are kept as given.
 * Create schemas carry the defaults a new document gets; patch schemas have none, so a
 * patch never resets a field it does not mention.
 */
import { z } from '@hono/zod-openapi';
import { ACTION_TRIGGERS, ACTION_TYPES, ALLOCATION_STATES, JOB_STATUSES, type WorkflowCollection } from '../model.js';
import { parseDuration, parseMemory } from '../units.js';
import { MAX_NAME_LENGTH, MAX_TEXT_LENGTH, NAME_TOO_LONG, TEXT_TOO_LONG } from './string-limits.js';

/** A document key (`_key`): ArangoDB's allowed characters, at most 254 of them. */
export const DocumentKeySchema = z
  .string()
  .min(1)
  .max(254)
  .regex(/^[A-Za-z0-9_\-.:@()+,=;$!*'%]+$/, "not a valid key (letters, digits and _-.:@()+,=;$!*'% only)");

const optionalKey = { _key: DocumentKeySchema.optional() };

/** Memory as a human size (`"2g"`, `"512m"`) or bytes. */
export const MemorySchema = z
  .union([z.string(), z.number()])
  .refine(
    (v) => parseMemory(v) !== undefined,
    'not a memory size (e.g. 512m, 2g, 1.5t or a number of bytes, at most 8 PiB)',
  )
  .openapi({ example: '2g' });

/** A duration as ISO 8601 (`"PT2H"`), short form (`"1h30m"`) or seconds. */
export const DurationSchema = z
  .union([z.string(), z.number()])
  .refine(
    (v) => parseDuration(v) !== undefined,
    'not a duration (e.g. PT2H, 1h30m, 90s or a number of seconds, at most 285,000 years)',
  )
  .openapi({ example: 'PT1H' });

const jobFields = {
  name: z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG),
  command: z.string().min(1).max(MAX_TEXT_LENGTH, TEXT_TOO_LONG),
  invocation_script: z.string().max(MAX_TEXT_LENGTH, TEXT_TOO_LONG).optional(),
  failure_handler: z.string().max(MAX_NAME_LENGTH, NAME_TOO_LONG).optional(),
};

/**
 * A job's status. Typed here; what Direct mode may set is the store's rule (decision 0010),
 * which names every refused field at once.
 */
const DirectJobStatusSchema = z.enum(JOB_STATUSES).openapi({
  description:
    'Server-owned, except that a job may be `disabled` (kept out of the run) or `uninitialized` again before ' +
    'the workflow starts; any other change is refused (422)',
});

/** A server-owned counter: shown, never set by a client (422 when a client changes it). */
const serverOwned = (schema: z.ZodType, description: string) =>
  schema.openapi({ readOnly: true, description: `Server-owned: ${description}` });

export const JobCreateSchema = z
  .looseObject({
    ...optionalKey,
    ...jobFields,
    status: DirectJobStatusSchema.default('uninitialized'),
    attempt: serverOwned(z.number().int(), 'every job starts at attempt 1 (any other value: 422)').default(1),
    unfinished_blockers: serverOwned(z.number().int(), 'counted at start (any value but 0: 422)').default(0),
    cancel_on_blocking_job_failure: z.boolean().default(false),
    supports_termination: z.boolean().default(false),
  })
  .openapi('JobCreate', {
    description:
      'Jobs are added before the workflow starts (409 `invalid_state` after). Lifecycle fields (status, attempt, ' +
      "counters, times, retries) are the server's: 422 naming the field.",
  });

export const JobPatchSchema = z
  .looseObject({
    ...jobFields,
    status: DirectJobStatusSchema,
    attempt: serverOwned(z.number().int().positive(), 'refused unless unchanged'),
    unfinished_blockers: serverOwned(z.number().int().nonnegative(), 'refused unless unchanged'),
    cancel_on_blocking_job_failure: z.boolean(),
    supports_termination: z.boolean(),
  })
  .partial()
  .openapi('JobPatch', {
    description: "Lifecycle fields are the server's: a patch that changes one is refused (422 naming the field).",
  });

const fileFields = {
  name: z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG),
  path: z.string().min(1).max(MAX_TEXT_LENGTH, TEXT_TOO_LONG),
};
export const FileCreateSchema = z.looseObject({ ...optionalKey, ...fileFields }).openapi('FileCreate');
export const FilePatchSchema = z.looseObject(fileFields).partial().openapi('FilePatch');

export const UserDataCreateSchema = z
  .looseObject({
    ...optionalKey,
    name: z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG),
    data: z.unknown().optional(),
  })
  .openapi('UserDataCreate');
export const UserDataPatchSchema = z
  .looseObject({
    name: z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG),
    data: z.unknown(),
  })
  .partial()
  .openapi('UserDataPatch');

const resourceFields = {
  num_cpus: z.number().int().positive(),
  memory: MemorySchema,
  num_gpus: z.number().int().nonnegative(),
  num_nodes: z.number().int().positive(),
  runtime: DurationSchema,
};
export const ResourceRequirementsCreateSchema = z
  .looseObject({
    ...optionalKey,
    name: z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG),
    ...resourceFields,
  })
  .partial({ num_cpus: true, memory: true, num_gpus: true, num_nodes: true, runtime: true })
  .openapi('ResourceRequirementsCreate', {
    description:
      'Omitted fields take the defaults (1 CPU, 1g, 0 GPUs, 1 node, 1h); `memory_bytes` and `runtime_s` are derived.',
  });
export const ResourceRequirementsPatchSchema = z
  .looseObject({
    name: z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG),
    ...resourceFields,
  })
  .partial()
  .openapi('ResourceRequirementsPatch');

export const EventCreateSchema = z
  .looseObject({
    ...optionalKey,
    type: z.string().min(1).max(MAX_NAME_LENGTH, NAME_TOO_LONG).default('user'),
  })
  .openapi('EventCreate', {
    description: 'Any JSON object; `source` is set to `user`, `timestamp` to now when absent.',
  });

/** Collections with no required fields: any JSON object. */
const AnyCreateSchema = z.looseObject({ ...optionalKey }).openapi('DocumentCreate');
const AnyPatchSchema = z.looseObject({}).openapi('DocumentPatch');

/** POST body schema per collection. */
export const DOCUMENT_CREATE_SCHEMAS = {
  jobs: JobCreateSchema,
  files: FileCreateSchema,
  user_data: UserDataCreateSchema,
  resource_requirements: ResourceRequirementsCreateSchema,
  results: AnyCreateSchema,
  schedulers: AnyCreateSchema,
  compute_nodes: AnyCreateSchema,
  allocations: AnyCreateSchema,
  actions: AnyCreateSchema,
  events: EventCreateSchema,
} satisfies Record<WorkflowCollection, z.ZodType>;

/** PATCH body schema per collection. */
export const DOCUMENT_PATCH_SCHEMAS = {
  jobs: JobPatchSchema,
  files: FilePatchSchema,
  user_data: UserDataPatchSchema,
  resource_requirements: ResourceRequirementsPatchSchema,
  results: AnyPatchSchema,
  schedulers: AnyPatchSchema,
  compute_nodes: AnyPatchSchema,
  allocations: AnyPatchSchema,
  actions: AnyPatchSchema,
  events: AnyPatchSchema,
} satisfies Record<WorkflowCollection, z.ZodType>;

/** A name or key a list is filtered by. */
const filterName = z.string().max(MAX_NAME_LENGTH, NAME_TOO_LONG).optional();

/** Equality filters each collection's list endpoint accepts as query parameters. */
export const DOCUMENT_LIST_FILTERS = {
  jobs: { status: z.enum(JOB_STATUSES).optional(), name: filterName },
  files: {
    name: filterName,
    path: z.string().max(MAX_TEXT_LENGTH, TEXT_TOO_LONG).optional(),
  },
  user_data: { name: filterName },
  resource_requirements: { name: filterName },
  results: {
    job: filterName,
    attempt: z.coerce.number().int().positive().optional(),
    status: z.enum(JOB_STATUSES).optional(),
  },
  schedulers: { name: filterName },
  compute_nodes: {
    worker_id: filterName,
    hostname: filterName,
    allocation: filterName,
  },
  allocations: {
    scheduler: filterName,
    state: z.enum(ALLOCATION_STATES).optional(),
    provider_id: filterName,
  },
  actions: { trigger_type: z.enum(ACTION_TRIGGERS).optional(), action_type: z.enum(ACTION_TYPES).optional() },
  events: { type: filterName, source: z.enum(['system', 'user']).optional(), job: filterName },
} satisfies Record<WorkflowCollection, Record<string, z.ZodType>>;

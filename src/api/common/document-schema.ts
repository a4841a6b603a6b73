import { z } from '@hono/zod-openapi';
import { DocumentKeySchema } from '../../core/schemas/documents.js';

/** A document key: what `_key` and path parameters accept. */
export const KeySchema = DocumentKeySchema;

/** Any stored document: `_key`, `_id` and whatever fields it carries. */
export const DocumentSchema = z
  .looseObject({ _key: z.string(), _id: z.string() })
  .openapi('Document', { description: 'A stored document; fields beyond `_key`/`_id` depend on the collection.' });

/** An edge document. */
export const EdgeSchema = z
  .looseObject({ _key: z.string(), _id: z.string(), _from: z.string(), _to: z.string(), workflow: z.string() })
  .openapi('Edge');

/** A name or a key in a path: names may hold any character (URL-encoded), keys are a subset. */
const RefSchema = z.string().min(1).max(1000);

/** `{wf}` path parameter: a key, or a name that no other workflow carries (src/graph/resolve-refs.ts). */
export const workflowParam = RefSchema.openapi({
  param: { name: 'wf', in: 'path' },
  description: 'Workflow key, or its name when exactly one workflow has it (a key wins over a name)',
  example: 'k3x9a0',
});

/** `{key}` path parameter of a job: its key or its name (a key wins over another job's equal name). */
export const jobParam = RefSchema.openapi({
  param: { name: 'key', in: 'path' },
  description: 'Job key or job name (names are unique within a workflow; a key wins over an equal name)',
});

/** `{key}` path parameter. */
export const keyParam = KeySchema.openapi({ param: { name: 'key', in: 'path' }, description: 'Document key' });

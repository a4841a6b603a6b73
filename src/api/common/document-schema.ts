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

/** `{wf}` path parameter. */
export const workflowParam = KeySchema.openapi({
  param: { name: 'wf', in: 'path' },
  description: 'Workflow key',
  example: 'k3x9a0',
});

/** `{key}` path parameter. */
export const keyParam = KeySchema.openapi({ param: { name: 'key', in: 'path' }, description: 'Document key' });

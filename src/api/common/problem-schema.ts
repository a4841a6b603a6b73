import { z } from '@hono/zod-openapi';
import { ERROR_CODES } from '../../core/errors.js';

/** RFC 9457 problem details, as every error response of the API carries them. */
export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(Object.values(ERROR_CODES) as [string, ...string[]]),
    detail: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi('Problem');

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

/** Error responses for route definitions, so the OpenAPI document lists them. */
export const problemResponses = {
  400: { description: 'Malformed request body (not UTF-8, not JSON)', content: problemContent },
  404: { description: 'Not found', content: problemContent },
  409: { description: 'Conflict with the current state', content: problemContent },
  413: { description: 'The body is larger than JOBGRAPH_MAX_BODY_BYTES (default 64 MiB)', content: problemContent },
  415: { description: 'The body is not application/json', content: problemContent },
  422: { description: 'Validation failed; `issues` names each field', content: problemContent },
} as const;

/** Pick some of the documented error responses: `problems(404, 422)`. */
export function problems<K extends keyof typeof problemResponses>(...codes: K[]): Pick<typeof problemResponses, K> {
  const out = {} as Pick<typeof problemResponses, K>;
  for (const code of codes) out[code] = problemResponses[code];
  return out;
}

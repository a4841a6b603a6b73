/**
 * Where a request body may hold strings longer than `JOBGRAPH_MAX_STRING_BYTES`: user data
 * values only. They are free-form JSON that jobgraph stores and hands back as given (a
 * base64 blob, a serialized model) and no process, log line or lookup reads; the body limit
 * bounds them. Everything else is a name, command, path, label or setting.
 */
import { SPEC_USER_DATA_VALUE } from '../workflow-spec/index.js';
import type { JsonShapeRules } from '../core/schemas/json-shape.js';

/** `POST /api/v1/workflows`: a spec, whose `user_data[i].data` are values. */
const CREATE_WORKFLOW = /^\/api\/v1\/workflows\/?$/;
/** Direct-mode user data documents (`POST …/user_data`, `PATCH …/user_data/{key}`): `data` is the value. */
const USER_DATA_DOCUMENT = /^\/api\/v1\/workflows\/[^/]+\/user_data(\/[^/]+)?\/?$/;

/** The `longAllowed` rule of json-shape.ts for a body sent to `path`, if any part of it may be long. */
export function longStringsAllowed(path: string): JsonShapeRules['longAllowed'] {
  if (CREATE_WORKFLOW.test(path)) return (key, at) => key === 'data' && SPEC_USER_DATA_VALUE.test(at());
  if (USER_DATA_DOCUMENT.test(path)) return (key, at) => key === 'data' && at() === 'data';
  return undefined;
}

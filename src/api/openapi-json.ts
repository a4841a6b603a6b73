/**
 * The OpenAPI document as committed in `openapi/openapi.json`: built from the routes alone
 * (no store, Redis or dashboard is touched), keys sorted so the text only changes when the
 * API does.
 */
import type { GraphStore } from '../graph/graph-store.js';
import { createApp } from './app.js';
import { buildOpenApiDocument } from './openapi-document.js';

/** Routes capture their deps but use them only per request, so document generation never calls this. */
const UNUSED_STORE = new Proxy({} as GraphStore, {
  get() {
    throw new Error('the OpenAPI generator app has no graph store');
  },
});

/** The API's OpenAPI 3.1 document. */
export function generateOpenApiDocument(): ReturnType<typeof buildOpenApiDocument> {
  const app = createApp({
    store: UNUSED_STORE,
    redisUrl: 'redis://127.0.0.1:6379',
    queuePrefix: 'jobgraph',
    dashboard: false,
  });
  return buildOpenApiDocument(app);
}

/** Recursively sort object keys; arrays keep their order (it is meaningful). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/** The document as the committed file's text: sorted keys, two-space indent, final newline. */
export function openApiJsonText(): string {
  return `${JSON.stringify(sortKeys(generateOpenApiDocument()), null, 2)}\n`;
}

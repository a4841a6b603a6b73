/**
 * Audit over every route (issue 15, part 5): each change operation of the OpenAPI document under
 * a workflow, called by its owner, leaves exactly one `request` event naming the caller when it
 * succeeds, and none when it is refused (the event is written in the change's transaction). The
 * operations come from the document, so a new route is covered without editing this file; the
 * exceptions are the ones src/api/auth/audit-request.ts gives reasons for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_CREATE_EXAMPLES, DOCUMENT_PATCH_EXAMPLES } from '../../src/api/common/request-examples.js';
import { generateOpenApiDocument } from '../../src/api/openapi-json.js';
import { WORKFLOW_COLLECTIONS, type WorkflowCollection } from '../../src/core/model.js';
import { createAuthFixture, type AuthFixture } from './auth-fixture.js';

/** Deleting a workflow takes its events with it: the log line is its record (audit-request.ts). */
const EXCEPTIONS = new Set(['deleteWorkflow']);

interface Operation {
  method: string;
  path: string;
  operationId: string;
  example: unknown;
}

const doc = generateOpenApiDocument() as unknown as {
  paths: Record<
    string,
    Record<string, { operationId: string; requestBody?: { content: Record<string, { example?: unknown }> } }>
  >;
};
const operations: Operation[] = Object.entries(doc.paths).flatMap(([path, item]) =>
  ['post', 'put', 'patch', 'delete']
    .filter((m) => item[m] && path.startsWith('/api/v1/workflows/{wf}') && !EXCEPTIONS.has(item[m].operationId))
    .map((m) => ({
      method: m.toUpperCase(),
      path,
      operationId: item[m]!.operationId,
      example: item[m]!.requestBody?.content['application/json']?.example,
    })),
);

/** The collection a `/workflows/{wf}/<collection>[/{key}]` path is about, if any. */
function collectionOf(path: string): WorkflowCollection | undefined {
  const name = path.split('/')[5];
  return (WORKFLOW_COLLECTIONS as readonly string[]).includes(name ?? '') ? (name as WorkflowCollection) : undefined;
}

let fx: AuthFixture;
let alice: string;
const succeeded: string[] = [];
beforeAll(async () => {
  fx = createAuthFixture();
  alice = await fx.token('alice', 'user');
});
afterAll(async () => {
  await fx?.close();
});

describe('audit: every change operation under a workflow', () => {
  it('lists them (sanity: the table below is not empty)', () => {
    expect(operations.length).toBeGreaterThan(40);
  });

  it.each(operations)('$operationId ($method $path)', async (op) => {
    const wf = (await fx.call(alice, 'POST', '/api/v1/workflows', { name: `audit-${op.operationId}` })).body
      ._key as string;
    const collection = collectionOf(op.path);
    let key = 'none';
    if (op.path.includes('{key}')) {
      // A document to act on; jobs need one for the job routes (cancel, patch, delete).
      const made = await fx.call(
        alice,
        'POST',
        `/api/v1/workflows/${wf}/${collection ?? 'jobs'}`,
        DOCUMENT_CREATE_EXAMPLES[collection ?? 'jobs'],
      );
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      key = made.body._key as string;
    }
    const path = op.path.replace('{wf}', wf).replace('{key}', key).replace('{group}', 'nobody-group');
    const body =
      op.method === 'PATCH' && collection
        ? DOCUMENT_PATCH_EXAMPLES[collection]
        : op.method === 'POST' && collection && !op.path.includes('{key}')
          ? DOCUMENT_CREATE_EXAMPLES[collection]
          : (op.example ?? (op.method === 'DELETE' ? undefined : {}));
    const requests = async () =>
      (await fx.store.listDocuments(wf, 'events', { filter: { type: 'request' }, limit: 1000 })).items;
    const before = (await requests()).length;
    const res = await fx.call(alice, op.method, path, body);
    const added = (await requests()).slice(before);
    if (res.status < 400) {
      succeeded.push(op.operationId);
      expect(added.map((e) => [e.user, e.role, e.method, e.path])).toEqual([['alice', 'user', op.method, path]]);
    } else {
      // Refused (a 4xx of the route's own rules): rolled back, so no event either.
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
      expect(added).toEqual([]);
    }
  });

  it('most of them succeeded, so the table checks events, not only refusals', () => {
    // Refused here, by their own rules: edges (the examples' keys are not in this workflow),
    // sharing with a group that does not exist, restart before a start, cancel of a job not
    // started, an allocation without a scheduler. Every document route and the rest succeed.
    expect(succeeded.length, succeeded.join(', ')).toBeGreaterThanOrEqual(33);
  });
});

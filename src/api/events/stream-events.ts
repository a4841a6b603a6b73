/**
 * `GET /api/v1/workflows/{wf}/events/stream`: the workflow's events as Server-Sent Events,
 * oldest first, then live. The store is polled (every `pollMs`) through an EventCursor, so
 * any process that writes events — API, scheduler, another API — is seen without a
 * notification channel. Each message's `id` is the highest event key sent so far: a client
 * that reconnects with `Last-Event-ID` (browsers do so by themselves) resumes after it.
 */
import { workflowOf } from '../common/resolve-params.js';
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import type { ApiApp } from '../api-app.js';
import type { ApiDeps } from '../api-deps.js';
import { KeySchema, workflowParam } from '../common/document-schema.js';
import { problems } from '../common/problem-schema.js';
import { EventCursor } from './event-cursor.js';

/** How often an open stream reads new events. @default 500 */
export const EVENT_STREAM_POLL_MS = 500;
/** Events read per poll: a long backlog goes out in chunks of this size. */
const BATCH = 500;
/** A comment line this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 15_000;
/** What a browser waits before reconnecting (the SSE `retry` field). */
const RETRY_MS = 2_000;

const route = createRoute({
  method: 'get',
  path: '/api/v1/workflows/{wf}/events/stream',
  operationId: 'streamWorkflowEvents',
  tags: ['events'],
  summary: 'Live events of a workflow (Server-Sent Events)',
  description:
    'Every event of the workflow, oldest first, then each new one as it is written. Each message is ' +
    '`data: <the event document as JSON>` and `id: <highest event key sent>` (no `event:` name, so that ' +
    "a browser's `onmessage` gets every type; a failure of the stream itself ends it with " +
    '`event: stream_error`). To resume, ' +
    'send that id back as the `Last-Event-ID` header (browsers do so when they reconnect) or as `after`: ' +
    'only later events are sent. An event committed late by another process with a lower key is still ' +
    'sent, once, while it is among the last 64 sent.',
  request: {
    params: z.object({ wf: workflowParam }),
    query: z.object({
      after: KeySchema.optional().openapi({
        param: { name: 'after', in: 'query' },
        description: 'Send only events after this event key (`Last-Event-ID` wins when both are given)',
      }),
    }),
    headers: z.object({
      'last-event-id': KeySchema.optional().openapi({
        param: { name: 'last-event-id', in: 'header' },
        description: 'The `id` of the last message received: resume after it',
      }),
    }),
  },
  responses: {
    200: {
      description: 'An endless `text/event-stream`',
      content: {
        'text/event-stream': { schema: z.string().openapi({ example: 'data: {"type":"job_started",…}\nid: …\n\n' }) },
      },
    },
    ...problems(404, 422),
  },
});

/** Register the route; `pollMs` is shortened by tests. */
export function streamEventsRoute(app: ApiApp, deps: ApiDeps, pollMs = EVENT_STREAM_POLL_MS): void {
  app.openapi(route, async (c) => {
    // By key or by name, as the other workflow routes; an unknown workflow is a 404 problem,
    // not a stream that fails on its first read.
    const wf = await workflowOf(deps, c.req.valid('param').wf);
    const resume = c.req.valid('header')['last-event-id'] ?? c.req.valid('query').after;
    const cursor = new EventCursor(resume);
    return streamSSE(
      c,
      async (stream) => {
        let quietSince = Date.now();
        await stream.write(`retry: ${RETRY_MS}\n\n`);
        while (!stream.aborted && !stream.closed) {
          const read = await deps.store.listEventsAfter(wf, cursor.readAfter, BATCH);
          const fresh = cursor.accept(read);
          for (const { event, id } of fresh) {
            // No `event:` name: a browser's EventSource only hands named events to listeners
            // registered for that name, and users post events of any type. The type is in `data`.
            await stream.writeSSE({ data: JSON.stringify(event), id });
          }
          if (fresh.length > 0) quietSince = Date.now();
          else if (Date.now() - quietSince >= KEEPALIVE_MS) {
            await stream.write(': keepalive\n\n');
            quietSince = Date.now();
          }
          // A full batch means a backlog: read on at once.
          if (read.length < BATCH) await stream.sleep(pollMs);
        }
      },
      async (err, stream) => {
        // Typically the workflow was deleted under the stream: say so and end it; the browser's
        // reconnect then gets the 404 and stops.
        deps.logger?.warn({ err, workflow: wf }, 'event stream ended');
        await stream.writeSSE({ event: 'stream_error', data: JSON.stringify({ message: String(err) }) });
      },
    ) as never;
  });
}

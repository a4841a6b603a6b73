/**
 * The SSE route over a real SQLite file: events come oldest first, then live, and a client
 * that reconnects with `Last-Event-ID` gets exactly what it had not received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiFixture, runAttempt, startedWorkflow, type ApiFixture } from './api-fixture.js';

interface SseMessage {
  event: string | undefined;
  id: string | undefined;
  data: { _key: string; type: string; [field: string]: unknown };
}

/** Read messages from an open stream until `count` have come or `deadlineMs` passes; then cancel it. */
async function readMessages(res: Response, count: number, deadlineMs = 15_000): Promise<SseMessage[]> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const out: SseMessage[] = [];
  let buffer = '';
  const deadline = Date.now() + deadlineMs;
  try {
    while (out.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`only ${out.length} of ${count} messages within ${deadlineMs} ms`);
      const chunk = await Promise.race([
        reader.read(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('stream stalled')), left)),
      ]);
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const fields = new Map<string, string>();
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        if (!fields.has('data')) continue; // retry and keepalive lines
        out.push({ event: fields.get('event'), id: fields.get('id'), data: JSON.parse(fields.get('data')!) });
      }
    }
  } finally {
    await reader.cancel();
  }
  return out;
}

let api: ApiFixture;
beforeAll(() => {
  api = createApiFixture();
});
afterAll(async () => api.close());

const note = (wf: string, text: string) =>
  api.call('POST', `/api/v1/workflows/${wf}/events`, { source: 'user', type: 'note', text });
const stream = (wf: string, headers: Record<string, string> = {}) =>
  api.app.request(`/api/v1/workflows/${wf}/events/stream`, { headers });

describe('GET /api/v1/workflows/{wf}/events/stream', () => {
  it('sends the past events oldest first, then new ones as they are written', async () => {
    const { wf, key } = await startedWorkflow(api, [{ name: 'a', command: 'true' }]);
    for (const text of ['n1', 'n2']) expect((await note(wf, text)).status).toBe(201);
    const res = await stream(wf);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reading = readMessages(res, 7);
    // Written while the stream is open: a job's lifecycle and two more notes.
    await runAttempt(api, wf, key('a'));
    for (const text of ['n3', 'n4']) expect((await note(wf, text)).status).toBe(201);
    const messages = await reading;

    const stored = (await api.call('GET', `/api/v1/workflows/${wf}/events?limit=100`)).body.items as Array<{
      _key: string;
    }>;
    // Exactly the stored events, in key order, each once, as unnamed messages (a browser's onmessage gets them all).
    expect(messages.map((m) => m.data._key)).toEqual(stored.map((e) => e._key).slice(0, 7));
    expect(messages.every((m) => m.event === undefined)).toBe(true);
    const types = messages.map((m) => m.data.type);
    expect(types[0]).toBe('workflow_started');
    expect(messages.filter((m) => m.data.type === 'note').map((m) => m.data.text)).toEqual(['n1', 'n2', 'n3', 'n4']);
    expect(types).toEqual(expect.arrayContaining(['job_started', 'job_completed']));
    expect(types.indexOf('job_started')).toBeLessThan(types.indexOf('note', 3));
    expect(messages.map((m) => m.id)).toEqual(messages.map((m) => m.data._key));
  });

  it('resumes after Last-Event-ID (or ?after=) with nothing repeated and nothing lost', async () => {
    const { wf } = await startedWorkflow(api, [{ name: 'a', command: 'true' }]);
    for (const text of ['n1', 'n2', 'n3']) await note(wf, text);
    const first = await readMessages(await stream(wf), 2);
    expect(first.map((m) => m.data.type)).toEqual(['workflow_started', 'note']);

    // Disconnected; more happens meanwhile.
    for (const text of ['n4', 'n5']) await note(wf, text);
    const resumed = await readMessages(await stream(wf, { 'Last-Event-ID': first[1]!.id! }), 4);
    expect(resumed.map((m) => m.data.text)).toEqual(['n2', 'n3', 'n4', 'n5']);

    const viaQuery = await readMessages(
      await api.app.request(`/api/v1/workflows/${wf}/events/stream?after=${resumed[2]!.id}`),
      1,
    );
    expect(viaQuery.map((m) => m.data.text)).toEqual(['n5']);
  });

  it('takes the workflow by name, as the other workflow routes do', async () => {
    const created = await api.call('POST', '/api/v1/workflows', {
      name: 'streamed_by_name',
      jobs: [{ name: 'a', command: 'true' }],
    });
    expect(created.status, created.text).toBe(201);
    expect((await api.call('POST', '/api/v1/workflows/streamed_by_name/start')).status).toBe(200);
    const [first] = await readMessages(await stream('streamed_by_name'), 1);
    expect(first!.data).toMatchObject({ type: 'workflow_started', workflow: created.body._key });
  });

  it('answers 404 for an unknown workflow, before any stream opens', async () => {
    const res = await stream('nosuchwf');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('problem+json');
  });
});

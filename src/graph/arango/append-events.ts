/**
 * appendEvents on ArangoDB, mirroring sqlite/append-events.ts: events in bulk; keys from
 * the `padded` generator keep them in insertion order.
 */
import { ValidationError } from '../../core/errors.js';
import type { EventDoc } from '../../core/model.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { cleanPatch } from './documents.js';
import { requireWorkflow } from './workflow-ops.js';

type NewEvent = Omit<EventDoc, '_key' | '_id' | 'timestamp'> & { timestamp?: string };

/** Events in bulk; keys from the `padded` generator keep them in insertion order. */
export async function appendEvents(ctx: ArangoContext, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  const now = new Date().toISOString();
  events.forEach((e, i) => {
    if (typeof e.workflow !== 'string')
      throw new ValidationError([{ path: `events[${i}].workflow`, message: 'required' }]);
  });
  const docs = events.map((e) => ({ ...cleanPatch(e, ['_key', '_id']), timestamp: e.timestamp ?? now }));
  await ctx.transaction(['events'], async (run) => {
    for (const workflow of new Set(events.map((e) => e.workflow as string))) await requireWorkflow(run, workflow);
    await insertMany(run, 'events', docs);
  });
}

/**
 * appendEvents: events are documents of the `events` collection with time-ordered keys.
 */
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { eventKey } from '../../core/keys.js';
import { docId, type EventDoc } from '../../core/model.js';
import type { GraphStore } from '../graph-store.js';
import { insertDocRow } from './doc-rows.js';
import type { SqliteContext } from './sqlite-context.js';
import { workflowExists } from './workflow-rows.js';

export function appendEvents(ctx: SqliteContext, events: Parameters<GraphStore['appendEvents']>[0]): void {
  ctx.write(() => {
    const known = new Set<string>();
    const now = new Date().toISOString();
    events.forEach((event, i) => {
      const workflow = event.workflow;
      if (typeof workflow !== 'string')
        throw new ValidationError([{ path: `events[${i}].workflow`, message: 'required' }]);
      if (!known.has(workflow)) {
        if (!workflowExists(ctx, workflow)) throw new NotFoundError('workflows', workflow);
        known.add(workflow);
      }
      const key = eventKey(workflow);
      const doc = {
        ...event,
        _key: key,
        _id: docId('events', key),
        workflow,
        timestamp: event.timestamp ?? now,
      } as EventDoc;
      insertDocRow(ctx, 'events', doc);
    });
  });
}

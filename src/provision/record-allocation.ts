/**
 * Insert a new allocation record under the next free key `<workflow>-a<n>` (allocation-names.ts),
 * with its events in the same write. Two writers racing for a number: the insert conflicts
 * and the loser takes the next one.
 */
import { ConflictError } from '../core/errors.js';
import type { AllocationDoc } from '../core/model.js';
import type { GraphStore } from '../graph/graph-store.js';
import { allocationKey } from './allocation-names.js';

export type NewAllocation = Omit<AllocationDoc, '_key' | '_id' | 'workflow'>;

/** @returns the stored document. */
export async function recordAllocation(
  store: Pick<GraphStore, 'writeDocuments' | 'listDocuments'>,
  workflow: string,
  fields: NewAllocation,
  events: (key: string) => Array<{ type: string; [field: string]: unknown }> = () => [],
): Promise<AllocationDoc> {
  let n = (await store.listDocuments(workflow, 'allocations', { limit: 1 })).total + 1;
  for (let tries = 0; ; tries++, n++) {
    const key = allocationKey(workflow, n);
    try {
      const written = await store.writeDocuments(workflow, {
        insert: [{ collection: 'allocations', doc: { ...fields, _key: key } }],
        events: events(key),
      });
      if (written.ok) return written.docs[0] as AllocationDoc;
    } catch (err) {
      if (!(err instanceof ConflictError) || tries >= 20) throw err;
    }
  }
}

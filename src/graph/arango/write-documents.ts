/**
 * writeDocuments on ArangoDB: one stream transaction reads every document an update
 * expects something of, checks all expectations (shared rule, document-write.ts), and only
 * then inserts, updates and appends the events.
 */
import type { BaseDoc } from '../../core/model.js';
import { checkDocumentWrite, mergePatch, unmetExpectation, writeEvents } from '../document-write.js';
import { PROVISIONING_COLLECTIONS, type DocumentWrite, type DocumentWriteOutcome } from '../graph-store.js';
import { insertMany, type ArangoContext } from './arango-context.js';
import { stripRev } from './documents.js';
import { getOwnedQuery } from './queries/workflow-queries.js';
import { requireWorkflow } from './workflow-ops.js';

export async function writeDocuments(
  ctx: ArangoContext,
  workflow: string,
  write: DocumentWrite,
): Promise<DocumentWriteOutcome> {
  checkDocumentWrite(write);
  return ctx.transaction([...PROVISIONING_COLLECTIONS, 'events'], async (run) => {
    await requireWorkflow(run, workflow);
    const updated: BaseDoc[] = [];
    for (const u of write.update ?? []) {
      const stored = (await run.one(getOwnedQuery(u.collection, workflow, u.key))) ?? undefined;
      const unmet = unmetExpectation(u.collection, u.key, stored, u.expect);
      if (unmet) return { ok: false, reason: unmet };
      updated.push(mergePatch(stored!, u.patch));
    }
    const inserted: BaseDoc[] = [];
    for (const { collection, doc } of write.insert ?? []) {
      const full = { ...doc, _key: doc._key, _id: `${collection}/${doc._key}`, workflow };
      await insertMany(run, collection, [full]);
      inserted.push(full);
    }
    for (const [i, u] of (write.update ?? []).entries()) {
      // REPLACE with the merged document: the expectation was checked on what this transaction read.
      await run.all({
        query: `REPLACE @doc IN @@col OPTIONS { keepNull: true }`,
        bindVars: { '@col': u.collection, doc: stripRev({ ...updated[i]! }) },
      });
    }
    const events = writeEvents(workflow, write, new Date().toISOString());
    if (events.length) await insertMany(run, 'events', events);
    return { ok: true, docs: [...inserted, ...updated] };
  });
}

/**
 * writeDocuments: inserts, compare-and-set updates and their events in one transaction.
 * Every expectation is checked before anything is written, so a failed one changes nothing.
 */
import { docId, type BaseDoc } from '../../core/model.js';
import { checkDocumentWrite, mergePatch, unmetExpectation, writeEvents } from '../document-write.js';
import type { DocumentWrite, DocumentWriteOutcome } from '../graph-store.js';
import { appendEvents } from './append-events.js';
import { insertDocRow, readDoc, replaceDocRow } from './doc-rows.js';
import type { SqliteContext } from './sqlite-context.js';
import { requireWorkflow } from './workflow-rows.js';

export function writeDocuments(ctx: SqliteContext, workflow: string, write: DocumentWrite): DocumentWriteOutcome {
  checkDocumentWrite(write);
  return ctx.write(() => {
    requireWorkflow(ctx, workflow);
    const updated: BaseDoc[] = [];
    for (const u of write.update ?? []) {
      const stored = readDoc(ctx, u.collection, u.key);
      const mine = stored?.workflow === workflow ? stored.doc : undefined;
      const unmet = unmetExpectation(u.collection, u.key, mine, u.expect);
      if (unmet) return { ok: false, reason: unmet };
      updated.push(mergePatch(mine!, u.patch));
    }
    const inserted = (write.insert ?? []).map(({ collection, doc }) => {
      const full: BaseDoc = { ...doc, _key: doc._key, _id: docId(collection, doc._key), workflow };
      insertDocRow(ctx, collection, full);
      return full;
    });
    (write.update ?? []).forEach((u, i) => replaceDocRow(ctx, u.collection, updated[i]!));
    const events = writeEvents(workflow, write, new Date().toISOString());
    if (events.length) appendEvents(ctx, events as Parameters<typeof appendEvents>[1]);
    return { ok: true, docs: [...inserted, ...updated] };
  });
}

/**
 * The rules of GraphStore.writeDocuments shared by every adapter: which collections it may
 * change, when an update's expectation holds, and the events it writes.
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import type { BaseDoc } from '../core/model.js';
import { PROVISIONING_COLLECTIONS, type DocumentWrite } from './graph-store.js';

const ALLOWED: ReadonlySet<string> = new Set(PROVISIONING_COLLECTIONS);

/** @throws ValidationError naming each change outside PROVISIONING_COLLECTIONS or without a key. */
export function checkDocumentWrite(write: DocumentWrite): void {
  const issues: FieldIssue[] = [];
  write.insert?.forEach(({ collection, doc }, i) => {
    if (!ALLOWED.has(collection))
      issues.push({
        path: `insert[${i}].collection`,
        message: `must be one of ${PROVISIONING_COLLECTIONS.join(', ')}`,
      });
    if (typeof doc._key !== 'string' || doc._key === '')
      issues.push({ path: `insert[${i}].doc._key`, message: 'required' });
  });
  write.update?.forEach(({ collection }, i) => {
    if (!ALLOWED.has(collection))
      issues.push({
        path: `update[${i}].collection`,
        message: `must be one of ${PROVISIONING_COLLECTIONS.join(', ')}`,
      });
  });
  if (issues.length) throw new ValidationError(issues);
}

/**
 * Why `expect` does not hold for `stored` (undefined when it holds). `null` expects the field
 * absent or null; other values compare with `===`.
 */
export function unmetExpectation(
  collection: string,
  key: string,
  stored: BaseDoc | undefined,
  expect: Record<string, string | number | boolean | null> | undefined,
): string | undefined {
  if (!stored) return `${collection}/${key} does not exist`;
  for (const [field, want] of Object.entries(expect ?? {})) {
    const have = stored[field] ?? null;
    if (have !== want) return `${collection}/${key}: ${field} is ${JSON.stringify(have)}, not ${JSON.stringify(want)}`;
  }
  return undefined;
}

/** The event documents of a write, before their keys are made (`workflow`, `source`, `timestamp` filled in). */
export function writeEvents(workflow: string, write: DocumentWrite, now: string): Array<Record<string, unknown>> {
  return (write.events ?? []).map((e) => ({ ...e, workflow, source: 'system', timestamp: e.timestamp ?? now }));
}

/** Shallow merge of a patch; system fields never change. */
export function mergePatch(stored: BaseDoc, patch: Record<string, unknown>): BaseDoc {
  const { _key: _k, _id: _i, workflow: _w, ...rest } = patch;
  return { ...stored, ...rest };
}

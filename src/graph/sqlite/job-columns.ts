/**
 * The hot columns of a job row, derived from its document. Lifecycle fields the columns
 * need (status, attempt, unfinished_blockers) are filled into the document when absent,
 * so the document returned always shows what the columns say.
 */
import type { BaseDoc, JobStatus } from '../../core/model.js';
import { cancelsOnBlockerFailure, fillJobDefaults } from '../job-defaults.js';

export interface JobColumns {
  status: JobStatus;
  attempt: number;
  unfinished_blockers: number;
  cancel_on_failure: 0 | 1;
  name: string;
  queued_at: string | null;
}

/**
 * Fill lifecycle defaults into `doc` (mutating it, see fillJobDefaults) and return its hot columns.
 * @param path field path prefix for validation messages, e.g. `documents.jobs[3]`
 * @throws ValidationError for a status that is not a job status or a non-integer counter
 */
export function prepareJobDoc(doc: BaseDoc, path: string): JobColumns {
  fillJobDefaults(doc, path);
  return {
    status: doc.status as JobStatus,
    attempt: doc.attempt as number,
    unfinished_blockers: doc.unfinished_blockers as number,
    cancel_on_failure: cancelsOnBlockerFailure(doc) ? 1 : 0,
    name: typeof doc.name === 'string' ? doc.name : doc._key,
    queued_at: typeof doc.queued_at === 'string' ? doc.queued_at : null,
  };
}

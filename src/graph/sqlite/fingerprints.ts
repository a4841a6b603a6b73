/**
 * The SQLite side of run-time fingerprints (decision 0007): the input files a start hands
 * the worker, and the fingerprints a completed attempt's result records. O(in-degree).
 * Caller owns the transaction.
 */
import { commandHash, userDataHash, type ResultFingerprint } from '../fingerprint.js';
import type { CompleteRequest } from '../graph-store.js';
import type { SqliteContext } from './sqlite-context.js';

/** The files `job` needs (its `needs` edges), by key, ordered by key. */
export function inputFilesOf(ctx: SqliteContext, job: string): Array<{ _key: string; path: string }> {
  const rows = ctx
    .stmt(
      `SELECT d._key AS _key, json_extract(d.doc, '$.path') AS path
       FROM edges e INDEXED BY edges_from
       JOIN docs d ON d.collection = 'files' AND d._key = substr(e._to, 7)
       WHERE e._from = ? AND e.collection = 'needs' ORDER BY d._key`,
    )
    .all(`jobs/${job}`) as Array<{ _key: string; path: string | null }>;
  return rows.map((r) => ({ _key: r._key, path: r.path ?? '' }));
}

/** What the result of `r` records: the worker's input hashes, the command's and the consumed user data's. */
export function resultFingerprint(ctx: SqliteContext, r: CompleteRequest): ResultFingerprint {
  const job = ctx
    .stmt(
      "SELECT json_extract(doc, '$.command') AS command, json_extract(doc, '$.invocation_script') AS script FROM jobs WHERE _key = ?",
    )
    .get(r.job) as { command: string | null; script: string | null } | undefined;
  const data = ctx
    .stmt(
      `SELECT d._key AS _key, json_extract(d.doc, '$.data') AS data, json_type(d.doc, '$.data') AS type
       FROM edges e INDEXED BY edges_from
       JOIN docs d ON d.collection = 'user_data' AND d._key = substr(e._to, 11)
       WHERE e._from = ? AND e.collection = 'consumes'`,
    )
    .all(`jobs/${r.job}`) as Array<{ _key: string; data: unknown; type: string | null }>;
  const user_data_hashes: Record<string, string> = {};
  for (const row of data) user_data_hashes[row._key] = userDataHash(decodeJson(row.data, row.type));
  return {
    ...(r.inputs && { input_hashes: r.inputs.files }),
    ...(job && {
      command_hash: commandHash({ command: job.command ?? '', invocation_script: job.script ?? undefined }),
    }),
    user_data_hashes,
  };
}

/** json_extract gives objects and arrays as JSON text and scalars as SQL values. */
function decodeJson(value: unknown, type: string | null): unknown {
  if (type === null || type === 'null') return null;
  if (type === 'object' || type === 'array') return JSON.parse(value as string);
  if (type === 'true') return true;
  if (type === 'false') return false;
  return value;
}

/**
 * Run-time fingerprints on ArangoDB (decision 0007), mirroring sqlite/fingerprints.ts:
 * the input files a start hands the worker, and what a result records. O(in-degree) each.
 */
import { commandHash, userDataHash, type ResultFingerprint } from '../fingerprint.js';
import type { CompleteRequest } from '../graph-store.js';
import { fingerprintFactsQuery, inputFilesQuery } from './queries/restart-queries.js';
import type { QueryRunner } from './query-runner.js';

/** The files `job` needs (its `needs` edges), ordered by key. */
export async function inputFilesOf(run: QueryRunner, job: string): Promise<Array<{ _key: string; path: string }>> {
  return run.all(inputFilesQuery(job));
}

/** What the result of `r` records: the worker's input hashes, the command's and the consumed user data's. */
export async function resultFingerprint(run: QueryRunner, r: CompleteRequest): Promise<ResultFingerprint> {
  const facts = await run.one(fingerprintFactsQuery(r.job));
  const user_data_hashes: Record<string, string> = {};
  for (const u of facts?.data ?? []) user_data_hashes[u._key] = userDataHash(u.data);
  return {
    ...(r.inputs && { input_hashes: r.inputs.files }),
    ...(facts && {
      command_hash: commandHash({
        command: facts.command ?? '',
        invocation_script: facts.invocation_script ?? undefined,
      }),
    }),
    user_data_hashes,
  };
}

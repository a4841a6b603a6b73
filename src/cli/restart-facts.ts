/**
 * What `jobgraph workflow restart` plans with (decision 0007): the workflow's jobs, edges,
 * files, user data and results read over the API, and the CURRENT state of the files
 * hashed here — the CLI runs where the files are (the shared filesystem the workers use),
 * with relative paths resolved against `cwd`.
 */
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { JobStatus } from '../core/model.js';
import { commandHash, userDataHash, type ResultFingerprint } from '../graph/fingerprint.js';
import type { RestartJobFacts, RestartPlanInput } from '../graph/plan-restart.js';
import { hashFile } from '../worker/input-fingerprint.js';

type Doc = Record<string, unknown> & { _key: string };
type Edge = Doc & { _from: string; _to: string };

/** Every item of a paged API list (`path` relative to `/api/v1`). */
export type ListAll = (path: string) => Promise<Doc[]>;

const keyOf = (id: string) => id.slice(id.indexOf('/') + 1);

function group(edges: Edge[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of edges) {
    const from = keyOf(e._from);
    let list = out.get(from);
    if (!list) out.set(from, (list = []));
    list.push(keyOf(e._to));
  }
  return out;
}

/** The last completed attempt's fingerprint of each job. */
function lastCompleted(results: Doc[]): Map<string, ResultFingerprint> {
  const best = new Map<string, Doc>();
  for (const r of results) {
    if (r.status !== 'completed') continue;
    const job = String(r.job);
    const seen = best.get(job);
    if (!seen || Number(r.attempt) > Number(seen.attempt)) best.set(job, r);
  }
  const out = new Map<string, ResultFingerprint>();
  for (const [job, r] of best) {
    out.set(job, {
      ...(r.input_hashes !== undefined && { input_hashes: r.input_hashes as Record<string, string> }),
      ...(r.command_hash !== undefined && { command_hash: r.command_hash as string }),
      ...(r.user_data_hashes !== undefined && { user_data_hashes: r.user_data_hashes as Record<string, string> }),
    });
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Read the workflow and check its files. With `failedOnly` nothing is hashed or checked
 * (only statuses matter). Each file is hashed at most once.
 */
export async function gatherRestartFacts(
  listAll: ListAll,
  workflow: string,
  options: { cwd: string; failedOnly: boolean },
): Promise<RestartPlanInput> {
  const wf = `/workflows/${encodeURIComponent(workflow)}`;
  const edges = (c: string) => listAll(`${wf}/edges/${c}`) as Promise<Edge[]>;
  const [jobs, blocks] = await Promise.all([listAll(`${wf}/jobs`), edges('blocks')]);
  const plan: RestartPlanInput = {
    jobs: jobs.map((j) => ({ _key: j._key, name: String(j.name), status: j.status as JobStatus })),
    blocks: blocks.map((e) => [keyOf(e._from), keyOf(e._to)] as const),
    failedOnly: options.failedOnly,
  };
  if (options.failedOnly) return plan;

  const [files, userData, results, needs, produces, consumes] = await Promise.all([
    listAll(`${wf}/files`),
    listAll(`${wf}/user_data`),
    listAll(`${wf}/results?status=completed`),
    edges('needs'),
    edges('produces'),
    edges('consumes'),
  ]);
  const pathOf = new Map(files.map((f) => [f._key, String(f.path ?? '')]));
  const dataOf = new Map(userData.map((u) => [u._key, u.data]));
  const recorded = lastCompleted(results);
  const needsOf = group(needs);
  const producesOf = group(produces);
  const consumesOf = group(consumes);
  const hashes = new Map<string, Promise<string>>();
  const hashOf = (file: string) => {
    let h = hashes.get(file);
    if (!h) hashes.set(file, (h = hashFile(resolve(options.cwd, pathOf.get(file) ?? ''))));
    return h;
  };

  const facts = await Promise.all(
    jobs.map(async (j, i): Promise<RestartJobFacts> => {
      const base = plan.jobs[i]!;
      if (base.status !== 'completed') return base;
      const inputs = needsOf.get(j._key) ?? [];
      const input_hashes = Object.fromEntries(await Promise.all(inputs.map(async (f) => [f, await hashOf(f)])));
      const user_data_hashes = Object.fromEntries(
        (consumesOf.get(j._key) ?? []).map((u) => [u, userDataHash(dataOf.get(u))]),
      );
      const outputs = producesOf.get(j._key) ?? [];
      const present = await Promise.all(outputs.map((f) => exists(resolve(options.cwd, pathOf.get(f) ?? ''))));
      return {
        ...base,
        ...(recorded.has(j._key) && { recorded: recorded.get(j._key) }),
        current: {
          input_hashes,
          user_data_hashes,
          command_hash: commandHash({
            command: String(j.command ?? ''),
            invocation_script: typeof j.invocation_script === 'string' ? j.invocation_script : undefined,
          }),
        },
        missing_outputs: outputs.filter((_, k) => !present[k]),
      };
    }),
  );
  const labels: Record<string, string> = {};
  for (const f of files) labels[f._key] = String(f.path ?? f.name ?? f._key);
  for (const u of userData) labels[u._key] = String(u.name ?? u._key);
  return { ...plan, jobs: facts, labels };
}

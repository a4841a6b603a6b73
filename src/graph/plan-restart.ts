/**
 * Planning a restart (decision 0007): which jobs must run again, and why. Pure; the CLI
 * feeds it what it read over the API plus the file hashes it computed where the files
 * are, and the API uses it (failed-only, no file facts) for plain-HTTP restarts.
 *
 * Selected: (a) every failed / canceled / terminated job; (b) unless `failedOnly`, every
 * completed job whose command, consumed user data or any input file differs from what
 * its last completed attempt recorded, and every completed job one of whose output files
 * is missing; then (c) everything downstream of a selected job through `blocks`. A job
 * whose last result recorded no fingerprint (older results) is never "changed".
 * Disabled jobs are never selected (they do not run) but the walk passes through them.
 */
import type { JobStatus } from '../core/model.js';
import type { ResultFingerprint } from './fingerprint.js';
import type { KeyPair } from './plan-initialization.js';

/** One job as the planner sees it. */
export interface RestartJobFacts {
  _key: string;
  name: string;
  status: JobStatus;
  /** What its last completed attempt recorded; absent when none did. */
  recorded?: ResultFingerprint;
  /** The same fingerprints now; a field left out is not compared. */
  current?: ResultFingerprint;
  /** Keys of the files it produces that do not exist now. */
  missing_outputs?: string[];
}

export interface RestartPlanInput {
  jobs: readonly RestartJobFacts[];
  /** [blocker, blocked] */
  blocks: readonly KeyPair[];
  /** Only failed/canceled/terminated jobs and their downstream. */
  failedOnly?: boolean;
  /** Exactly these jobs (reason `requested`) and their downstream; other reasons are not looked for. */
  requested?: readonly string[];
  /** Display names of files and user_data by key (reasons name them); the key otherwise. */
  labels?: Readonly<Record<string, string>>;
}

export interface RestartSelection {
  job: string;
  name: string;
  reasons: string[];
}

const FAILED: ReadonlySet<JobStatus> = new Set(['failed', 'canceled', 'terminated']);
/** Jobs that would run again: restart cannot reset an attempt that is in flight. */
const RESETTABLE: ReadonlySet<JobStatus> = new Set([
  'uninitialized',
  'blocked',
  'ready',
  'completed',
  'failed',
  'canceled',
  'terminated',
]);

/** Keys whose value differs between two maps (absent on one side counts as a difference). */
function changedKeys(before: Record<string, string>, now: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(now)]);
  return [...keys].filter((k) => before[k] !== now[k]).sort();
}

function ownReasons(job: RestartJobFacts, failedOnly: boolean, label: (key: string) => string): string[] {
  if (FAILED.has(job.status)) return [job.status === 'failed' ? 'failed' : job.status];
  if (failedOnly || job.status !== 'completed') return [];
  const reasons: string[] = [];
  const { recorded, current } = job;
  if (recorded && current) {
    if (recorded.command_hash && current.command_hash && recorded.command_hash !== current.command_hash)
      reasons.push('command changed');
    if (recorded.user_data_hashes && current.user_data_hashes)
      for (const k of changedKeys(recorded.user_data_hashes, current.user_data_hashes))
        reasons.push(`user data ${label(k)} changed`);
    if (recorded.input_hashes && current.input_hashes)
      for (const k of changedKeys(recorded.input_hashes, current.input_hashes))
        reasons.push(`input file ${label(k)} changed`);
  }
  for (const k of [...(job.missing_outputs ?? [])].sort()) reasons.push(`output ${label(k)} missing`);
  return reasons;
}

/**
 * The jobs to restart, in a stable order (own reasons first in job order, then
 * downstream jobs in discovery order), each with its reasons. O(V + E).
 */
export function planRestart(input: RestartPlanInput): RestartSelection[] {
  const label = (key: string) => input.labels?.[key] ?? key;
  const byKey = new Map(input.jobs.map((j) => [j._key, j]));
  const dependents = new Map<string, string[]>();
  for (const [from, to] of input.blocks) {
    let list = dependents.get(from);
    if (!list) dependents.set(from, (list = []));
    list.push(to);
  }
  const selected = new Map<string, RestartSelection>();
  const queue: string[] = [];
  const requested = input.requested && new Set(input.requested);
  for (const job of input.jobs) {
    const reasons = requested
      ? requested.has(job._key)
        ? ['requested']
        : []
      : ownReasons(job, input.failedOnly ?? false, label);
    if (reasons.length === 0) continue;
    selected.set(job._key, { job: job._key, name: job.name, reasons });
    queue.push(job._key);
  }
  // Breadth-first from every selected job; each job is visited once (the first path names it).
  const visited = new Set(queue);
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    const fromName = byKey.get(from)?.name ?? from;
    for (const to of dependents.get(from) ?? []) {
      if (visited.has(to)) continue;
      visited.add(to);
      queue.push(to);
      const job = byKey.get(to);
      if (!job || !RESETTABLE.has(job.status)) continue;
      // A job that has not run yet needs no reset when its blocker is selected; it waits anyway.
      if (job.status === 'uninitialized') continue;
      selected.set(to, { job: to, name: job.name, reasons: [`downstream of ${fromName}`] });
    }
  }
  return [...selected.values()];
}

/** "failed: 2, downstream: 3, input changed: 1" — the reasons grouped, for events and summaries. */
export function summarizeReasons(selections: readonly RestartSelection[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of selections) {
    for (const r of s.reasons) {
      const kind = r.startsWith('downstream of')
        ? 'downstream'
        : r.startsWith('input file')
          ? 'input changed'
          : r.startsWith('user data')
            ? 'user data changed'
            : r.startsWith('output')
              ? 'output missing'
              : r;
      out[kind] = (out[kind] ?? 0) + 1;
    }
  }
  return out;
}

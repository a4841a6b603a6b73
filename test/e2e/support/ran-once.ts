/**
 * The fault tests' end check when attempts may have been recorded lost: each job's command
 * appends `name.attempt` to ran.log, so the log says which attempts really ran.
 */
import { expect } from 'vitest';
import type { JobDoc, ResultDoc } from '../../../src/core/model.js';
import { attemptsByJob } from './process-stack.js';

/**
 * Every job completed; one result per (job, attempt); each attempt not recorded lost ran
 * exactly once (ran.log) and each lost one never ran.
 */
export function expectRanOncePerAttempt(jobs: JobDoc[], results: ResultDoc[], ranLog: string): void {
  expect(jobs.every((j) => j.status === 'completed')).toBe(true);
  for (const attempts of attemptsByJob(results).values()) expect(new Set(attempts).size).toBe(attempts.length);
  const names = new Map(jobs.map((j) => [j._key, j.name]));
  const ran = ranLog.trim().split('\n');
  expect(new Set(ran).size).toBe(ran.length);
  const notLost = results.filter((r) => r.lost !== true).map((r) => `${names.get(r.job)}.${r.attempt}`);
  expect(ran.sort()).toEqual(notLost.sort());
  expect(results.filter((r) => r.lost !== true)).toHaveLength(jobs.length);
}

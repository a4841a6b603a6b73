/**
 * What a worker's heartbeat value says besides "alive" (issue 9): a beat number and the
 * attempts the worker holds. The scheduler re-queues a `running` attempt that its live
 * worker says, in a late enough beat, it does not hold (scheduler/unheld-attempts.ts) — the
 * backstop for a start that committed while the worker believes it failed.
 *
 * The value is JSON `{"seq":n,"at":"…","held":[[workflow, job, attempt], …],"capacity":{…}}`.
 * `capacity` is the size the worker offers (issue 11, item 5): the scheduler reads it to tell
 * a queued job that no live worker could ever take from one that merely waits its turn. Older workers
 * write a bare ISO time: that parses as no report, and their attempts get no backstop. A
 * worker holding more than {@link MAX_HELD_ATTEMPTS} attempts sends no `held` list (no
 * backstop for that beat) rather than an unbounded value read on every scheduler pass.
 */
import { z } from 'zod';

/** Most attempts listed in one beat; more and the list is left out. */
export const MAX_HELD_ATTEMPTS = 10_000;

/** One attempt a worker holds. */
export interface HeldAttempt {
  workflow: string;
  job: string;
  attempt: number;
}

const keyString = z.string().min(1).max(254);

const HeartbeatValueSchema = z.object({
  /** Beats of this worker so far, counted from 1: tells a beat built after a given moment (see unheld-attempts.ts). */
  seq: z.number().int().nonnegative(),
  at: z.string().optional(),
  held: z
    .array(z.tuple([keyString, keyString, z.number().int().positive()]))
    .max(MAX_HELD_ATTEMPTS)
    .optional(),
  capacity: z
    .object({
      num_cpus: z.number().nonnegative(),
      memory_bytes: z.number().nonnegative(),
      num_gpus: z.number().int().nonnegative(),
    })
    .optional(),
});

/** The size a worker offers, as its heartbeat says. */
export interface WorkerSize {
  num_cpus: number;
  memory_bytes: number;
  num_gpus: number;
}

/** A parsed heartbeat. `held` is absent when the worker did not list its attempts. */
export interface HeartbeatReport {
  seq: number;
  /** Attempt ids (see {@link heldAttemptId}) the worker holds. */
  held?: ReadonlySet<string>;
  /** What the worker offers; absent from an older worker's beat. */
  capacity?: WorkerSize;
}

/** The id of an attempt in a {@link HeartbeatReport}'s `held` set. */
export function heldAttemptId(a: HeldAttempt): string {
  return `${a.workflow}\u0000${a.job}\u0000${a.attempt}`;
}

/** The value a worker writes for beat number `seq`. */
export function encodeHeartbeat(
  seq: number,
  held: readonly HeldAttempt[] | undefined,
  now = new Date(),
  capacity?: WorkerSize,
): string {
  const list = held && held.length <= MAX_HELD_ATTEMPTS ? held.map((a) => [a.workflow, a.job, a.attempt]) : undefined;
  return JSON.stringify({ seq, at: now.toISOString(), ...(list && { held: list }), ...(capacity && { capacity }) });
}

/** Parse a heartbeat value; undefined when it carries no report (an older worker, or a malformed value). */
export function parseHeartbeat(raw: string | null | undefined): HeartbeatReport | undefined {
  if (raw === null || raw === undefined || !raw.startsWith('{')) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const parsed = HeartbeatValueSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { seq, held, capacity } = parsed.data;
  return {
    seq,
    ...(capacity && { capacity }),
    ...(held && { held: new Set(held.map(([workflow, job, attempt]) => heldAttemptId({ workflow, job, attempt }))) }),
  };
}

/**
 * Every key format the system builds, in one place. Deterministic keys are idempotency
 * records (one result per attempt, one `executed` edge per attempt, one compute node per
 * worker and workflow), so the shapes below are reserved: Direct mode may not take one of
 * them for a document the system will write later (`reservedKeyShape`).
 */
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Length of `randomKey()` without an argument: what a worker id is (see compute node keys). */
const RANDOM_KEY_LENGTH = 10;

/** A random lowercase base36 string; valid as an ArangoDB `_key` and a BullMQ id part. */
export function randomKey(length = RANDOM_KEY_LENGTH): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHABET[bytes[i]! % 36];
  return out;
}

/** A key for a document of workflow `workflow`: unique across workflows because it embeds the workflow key. */
export function childKey(workflow: string, suffix: string = randomKey(8)): string {
  return `${workflow}-${suffix}`;
}

/** What sits between job key and attempt number in a result key (queries that build it in the database use it). */
export const RESULT_KEY_INFIX = '-a';

/** The key of the one result of (job, attempt); the primary key enforces one result per attempt. */
export function resultKey(job: string, attempt: number): string {
  return `${job}${RESULT_KEY_INFIX}${attempt}`;
}

/** The `returned` edge of (job, attempt): a deterministic key makes recording it idempotent. */
export function returnedEdgeKey(job: string, attempt: number): string {
  return `${job}-r${attempt}`;
}

/**
 * What sits between a job key and an attempt number in an `executed` edge key. Exported for
 * queries that build the key of each row's current attempt (`job || '-x' || attempt`).
 */
export const EXECUTED_KEY_INFIX = '-x';

/** The `executed` edge of (job, attempt): a replayed start cannot add a second one. */
export function executedEdgeKey(job: string, attempt: number): string {
  return `${job}${EXECUTED_KEY_INFIX}${attempt}`;
}

/** A worker's compute node in a workflow (decision 0003): created on its first start there, or at registration. */
export function computeNodeKey(workflow: string, workerId: string): string {
  return `${workflow}-${workerId}`;
}

/** The worker id in a compute node key of `workflow` (see {@link computeNodeKey}); undefined for another shape. */
export function workerIdOfComputeNode(workflow: string, computeNode: string): string | undefined {
  const prefix = `${workflow}-`;
  return computeNode.startsWith(prefix) && computeNode.length > prefix.length
    ? computeNode.slice(prefix.length)
    : undefined;
}

/** The key of a workflow's `n`-th allocation: a provider that keeps only the key can tell the workflow. */
export function allocationKey(workflow: string, n: number): string {
  return `${workflow}-a${n}`;
}

/** Whether an allocation key is one of `workflow`'s (`<workflow>-a<n>`). */
export function isAllocationOf(allocation: string, workflow: string): boolean {
  return allocation.startsWith(`${workflow}-a`) && /^\d+$/.test(allocation.slice(workflow.length + 2));
}

/**
 * Keys of the `blocks` edges one initialization derives: one random stem per initialization
 * plus a counter, so the keys are unique without a random draw per edge.
 */
export function derivedBlocksKeys(workflow: string): (i: number) => string {
  const stem = `${childKey(workflow)}-d`;
  return (i) => `${stem}${i.toString(36)}`;
}

let eventSequence = 0;
/** Characters after `-e` in an event key: 9 of time, 4 of sequence, 4 random. */
const EVENT_KEY_BODY = 17;

/**
 * `${workflow}-e<ms, base36><sequence><random>`: time-ordered within one process, unique
 * across processes, so listing events by `_key` reads them in the order they were appended.
 */
export function eventKey(workflow: string): string {
  eventSequence = (eventSequence + 1) % 36 ** 4;
  const body = `${Date.now().toString(36).padStart(9, '0')}${eventSequence.toString(36).padStart(4, '0')}${randomKey(4)}`;
  return `${workflow}-e${body}`;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The reserved shapes per collection, as `[pattern for workflow, what the system keeps there]`.
 * Results, `returned` and `executed` edges are keyed by job and attempt whatever the job key
 * is, so their suffix alone is reserved.
 */
const RESERVED: Partial<Record<string, (workflow: string) => ReadonlyArray<[RegExp, string]>>> = {
  results: () => [[/-a\d+$/, 'the result of an attempt (<job>-a<n>)']],
  returned: () => [[/-r\d+$/, "an attempt's returned edge (<job>-r<n>)"]],
  executed: () => [[/-x\d+$/, "an attempt's executed edge (<job>-x<n>)"]],
  allocations: (wf) => [[new RegExp(`^${escape(wf)}-a\\d+$`), 'an allocation of the workflow (<workflow>-a<n>)']],
  compute_nodes: (wf) => [
    [new RegExp(`^${escape(wf)}-[0-9a-z]{${RANDOM_KEY_LENGTH}}$`), "a worker's compute node (<workflow>-<worker id>)"],
  ],
  events: (wf) => [[new RegExp(`^${escape(wf)}-e[0-9a-z]{${EVENT_KEY_BODY}}$`), 'a system event (<workflow>-e<time>)']],
};

/**
 * What the system keeps under `key` in `collection` of `workflow` when the key has one of its
 * reserved shapes, else undefined.
 */
export function reservedKeyShape(collection: string, workflow: string, key: string): string | undefined {
  for (const [pattern, what] of RESERVED[collection]?.(workflow) ?? []) if (pattern.test(key)) return what;
  return undefined;
}

/**
 * Queue and BullMQ job naming. One queue per (workflow, resource class):
 * `{workflow}.{class}`. BullMQ job id `{workflow}.{job}.{attempt}` makes promotion
 * idempotent: adding the same attempt twice adds it once.
 */
import { parseResourceClassName, type ResourceClass } from './resource-class.js';

export function queueName(workflow: string, resourceClass: string): string {
  return `${workflow}.${resourceClass}`;
}

export function parseQueueName(name: string): { workflow: string; resourceClass: ResourceClass } | undefined {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const resourceClass = parseResourceClassName(name.slice(dot + 1));
  return resourceClass ? { workflow: name.slice(0, dot), resourceClass } : undefined;
}

export function bullJobId(workflow: string, job: string, attempt: number): string {
  return `${workflow}.${job}.${attempt}`;
}

/** Redis SET of every queue name ever promoted into (under the BullMQ prefix); workers and the dashboard read it. */
export function queueRegistryKey(prefix: string): string {
  return `${prefix}:jobgraph:queues`;
}

/**
 * The pub/sub channels, all hints (a lost message only delays): `ready` (API → scheduler and
 * provisioners: jobs became ready), `queued` (scheduler → workers: new entries), `cancel` (API →
 * workers: BullMQ job ids, `workflow.job.attempt`, of running attempts whose jobs were canceled;
 * the lost-worker watchdog publishes them again each pass until the attempt is reported, so a
 * worker that missed one hears it a reconcile later), `provision` (API → provisioners: workflows
 * with an allocation asked for by hand).
 */
export type Channel = 'ready' | 'queued' | 'cancel' | 'provision';

/** The Redis channel of `channel` under `prefix`. */
export function channelName(prefix: string, channel: Channel): string {
  return `${prefix}:jobgraph:${channel}`;
}

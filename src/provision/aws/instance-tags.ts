/**
 * The tags jobgraph puts on what it creates in EC2. They are how an allocation is found again
 * (`list` after a crash between submitting and recording, decision 0008), how a person sees in
 * the console what an instance is for, and how costs are split (cost allocation tags).
 */
import type { Tag } from '@aws-sdk/client-ec2';

export const TAG = {
  /** `true` on everything jobgraph made: the one filter that finds all of it. */
  marker: 'jobgraph',
  workflow: 'jobgraph:workflow',
  allocation: 'jobgraph:allocation',
  scheduler: 'jobgraph:scheduler',
  /** The lifetime cap in seconds, when the scheduler has one: how `status` tells when it ends. */
  walltime: 'jobgraph:walltime-s',
  name: 'Name',
} as const;

export interface TagSubject {
  workflow: string;
  allocation: string;
  /** The scheduler's key (stable) and name (readable). */
  schedulerKey: string;
  schedulerName: string;
  walltime_s?: number;
}

/** EC2 limits: keys 128 characters, values 256. */
const MAX_VALUE = 256;

/** The tags of one allocation's instances, volumes, launch template and fleet. */
export function allocationTags(subject: TagSubject): Tag[] {
  const tags: Tag[] = [
    { Key: TAG.marker, Value: 'true' },
    { Key: TAG.workflow, Value: subject.workflow },
    { Key: TAG.allocation, Value: subject.allocation },
    { Key: TAG.scheduler, Value: subject.schedulerKey },
    { Key: TAG.name, Value: `jobgraph ${subject.workflow}/${subject.schedulerName}/${subject.allocation}` },
  ];
  if (subject.walltime_s !== undefined) tags.push({ Key: TAG.walltime, Value: String(subject.walltime_s) });
  return tags.map((t) => ({ Key: t.Key, Value: t.Value!.slice(0, MAX_VALUE) }));
}

/** One tag's value, if present. */
export function tagValue(tags: Tag[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

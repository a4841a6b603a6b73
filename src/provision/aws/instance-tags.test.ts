import { describe, expect, it } from 'vitest';
import { allocationTags, TAG, tagValue } from './instance-tags.js';

describe('instance tags', () => {
  it('marks, names and links what jobgraph creates', () => {
    const tags = allocationTags({
      workflow: 'wf1',
      allocation: 'a7',
      schedulerKey: 's3',
      schedulerName: 'cloud',
      walltime_s: 3600,
    });
    expect(tags).toEqual([
      { Key: 'jobgraph', Value: 'true' },
      { Key: 'jobgraph:workflow', Value: 'wf1' },
      { Key: 'jobgraph:allocation', Value: 'a7' },
      { Key: 'jobgraph:scheduler', Value: 's3' },
      { Key: 'Name', Value: 'jobgraph wf1/cloud/a7' },
      { Key: 'jobgraph:walltime-s', Value: '3600' },
    ]);
    expect(tagValue(tags, TAG.allocation)).toBe('a7');
    expect(tagValue(undefined, TAG.allocation)).toBeUndefined();
  });

  it('keeps values within EC2 limits and leaves out a walltime it does not have', () => {
    const tags = allocationTags({ workflow: 'w'.repeat(300), allocation: 'a', schedulerKey: 's', schedulerName: 'n' });
    expect(tags.every((t) => t.Value!.length <= 256)).toBe(true);
    expect(tagValue(tags, TAG.walltime)).toBeUndefined();
  });
});

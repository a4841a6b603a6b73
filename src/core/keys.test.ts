import { describe, expect, it } from 'vitest';
import {
  allocationKey,
  computeNodeKey,
  derivedBlocksKeys,
  eventKey,
  executedEdgeKey,
  isAllocationOf,
  randomKey,
  reservedKeyShape,
  resultKey,
  returnedEdgeKey,
} from './keys.js';

describe('keys', () => {
  it('builds the deterministic keys of an attempt, a worker and an allocation', () => {
    expect(resultKey('wf-j1', 3)).toBe('wf-j1-a3');
    expect(returnedEdgeKey('wf-j1', 3)).toBe('wf-j1-r3');
    expect(executedEdgeKey('wf-j1', 3)).toBe('wf-j1-x3');
    expect(computeNodeKey('wf', 'abc')).toBe('wf-abc');
    expect(allocationKey('wf', 12)).toBe('wf-a12');
    expect(isAllocationOf('wf-a12', 'wf')).toBe(true);
    expect(isAllocationOf('wf-a12x', 'wf')).toBe(false);
    expect(isAllocationOf('wfx-a1', 'wf')).toBe(false);
  });

  it('numbers derived blocks keys under one stem', () => {
    const key = derivedBlocksKeys('wf');
    expect(key(0)).toMatch(/^wf-[0-9a-z]{8}-d0$/);
    expect(key(35).slice(0, -1)).toBe(key(0).slice(0, -1));
    expect(key(36).endsWith('-d10')).toBe(true);
  });

  it('makes event keys that sort in creation order', () => {
    const keys = Array.from({ length: 50 }, () => eventKey('wf'));
    expect([...keys].sort()).toEqual(keys);
  });

  it('recognizes every shape the system keeps for itself, and nothing else', () => {
    expect(reservedKeyShape('results', 'wf', resultKey('wf-j1', 2))).toMatch(/result of an attempt/);
    expect(reservedKeyShape('returned', 'wf', returnedEdgeKey('any-job', 1))).toMatch(/returned edge/);
    expect(reservedKeyShape('executed', 'wf', executedEdgeKey('any-job', 10))).toMatch(/executed edge/);
    expect(reservedKeyShape('allocations', 'wf', allocationKey('wf', 4))).toMatch(/allocation/);
    expect(reservedKeyShape('compute_nodes', 'wf', computeNodeKey('wf', randomKey()))).toMatch(/compute node/);
    expect(reservedKeyShape('events', 'wf', eventKey('wf'))).toMatch(/system event/);

    expect(reservedKeyShape('results', 'wf', 'wf-my-result')).toBeUndefined();
    expect(reservedKeyShape('allocations', 'wf', allocationKey('other', 4))).toBeUndefined();
    expect(reservedKeyShape('compute_nodes', 'wf', 'wf-laptop')).toBeUndefined();
    expect(reservedKeyShape('events', 'wf', 'wf-e1')).toBeUndefined();
    expect(reservedKeyShape('jobs', 'wf', resultKey('wf-j1', 2))).toBeUndefined();
    // A workflow key with regex characters is matched literally.
    expect(reservedKeyShape('allocations', 'w.f', 'wxf-a1')).toBeUndefined();
  });
});

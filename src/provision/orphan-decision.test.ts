import { describe, expect, it } from 'vitest';
import { judgeListedAllocation } from './orphan-decision.js';

const found = { allocation: 'wf-a1', provider_id: 'us-east-1:i-1' };

describe('judgeListedAllocation', () => {
  it('keeps what a live record follows', () => {
    expect(judgeListedAllocation(found, { workflowKnown: true, record: { state: 'running' } })).toEqual({
      action: 'keep',
    });
    expect(judgeListedAllocation(found, { workflowKnown: true, record: { state: 'pending' } }).action).toBe('keep');
    expect(
      judgeListedAllocation(found, { workflowKnown: true, record: { state: 'submitting', provider_id: 'x' } }).action,
    ).toBe('keep');
  });

  it('adopts what a submission left unrecorded', () => {
    expect(judgeListedAllocation(found, { workflowKnown: true, record: { state: 'submitting' } })).toEqual({
      action: 'adopt',
    });
  });

  it('terminates what nothing will follow, saying why', () => {
    expect(judgeListedAllocation(found, { workflowKnown: true })).toEqual({
      action: 'terminate',
      reason: 'no allocation record has its key',
    });
    expect(judgeListedAllocation(found, { workflowKnown: true, record: { state: 'ended', reason: 'failed' } })).toEqual(
      { action: 'terminate', reason: 'its allocation ended (failed)' },
    );
    expect(judgeListedAllocation(found, { workflowKnown: true, record: { state: 'requested' } }).action).toBe(
      'terminate',
    );
  });

  it("leaves alone what may not be this graph's", () => {
    expect(judgeListedAllocation(found, { workflowKnown: false }).action).toBe('leave');
    expect(judgeListedAllocation({ provider_id: 'x' }, { workflowKnown: true }).action).toBe('leave');
  });
});

import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { allocationStatus, endReason, transitionTime, viewInstance } from './instance-state.js';

const launched = new Date('2026-01-02T03:00:00Z');

function instance(id: string, fields: Partial<Instance> = {}): Instance {
  return {
    InstanceId: id,
    InstanceType: 'c5.large',
    State: { Name: 'running', Code: 16 },
    LaunchTime: launched,
    PrivateDnsName: `ip-10-0-0-${id.slice(-1)}.ec2.internal`,
    Placement: { AvailabilityZone: 'us-east-1a' },
    InstanceLifecycle: 'spot',
    Tags: [
      { Key: 'jobgraph:allocation', Value: 'a1' },
      { Key: 'jobgraph:workflow', Value: 'wf1' },
    ],
    ...fields,
  };
}

const ended = (code: string, at = '2026-01-02 03:30:00 GMT'): Partial<Instance> => ({
  State: { Name: 'terminated', Code: 48 },
  StateReason: { Code: code, Message: `${code}: words` },
  StateTransitionReason: `User initiated (${at})`,
});

describe('instance state', () => {
  it('maps the state reason code to why it ended', () => {
    expect(endReason('Server.SpotInstanceTermination')).toBe('preempted');
    expect(endReason('Server.SpotInstanceShutdown')).toBe('preempted');
    expect(endReason('Client.UserInitiatedShutdown')).toBe('canceled');
    expect(endReason('Client.InstanceInitiatedShutdown')).toBe('finished');
    expect(endReason('Client.InstanceInitiatedShutdown', 3_600_000, 3600)).toBe('walltime');
    expect(endReason('Client.InstanceInitiatedShutdown', 600_000, 3600)).toBe('finished');
    expect(endReason('Server.ScheduledStop')).toBe('node_failure');
    expect(endReason('Server.InternalError')).toBe('failed');
    expect(endReason('Client.VolumeLimitExceeded')).toBe('failed');
    expect(endReason(undefined)).toBe('unknown');
  });

  it('reads the end time out of the transition text', () => {
    expect(transitionTime('User initiated (2026-01-02 03:30:00 GMT)')).toBe('2026-01-02T03:30:00.000Z');
    expect(transitionTime('User initiated (2026-01-02 03:30:00 UTC)')).toBe('2026-01-02T03:30:00.000Z');
    expect(transitionTime('')).toBeUndefined();
  });

  it('views an instance: node name, market, tags; the instance id when it has no DNS name', () => {
    expect(viewInstance(instance('i-1'))).toMatchObject({
      id: 'i-1',
      state: 'running',
      node_name: 'ip-10-0-0-1.ec2.internal',
      market: 'spot',
      allocation: 'a1',
      zone: 'us-east-1a',
    });
    const bare = viewInstance(instance('i-2', { PrivateDnsName: '', InstanceLifecycle: undefined }));
    expect(bare).toMatchObject({ node_name: 'i-2', market: 'on-demand' });
    expect(viewInstance(instance('i-3', { State: { Name: 'stopped' } })).state).toBe('ended');
  });

  it('is running while any instance runs, pending while any starts', () => {
    const views = [instance('i-1'), instance('i-2', { State: { Name: 'pending' } })].map(viewInstance);
    const running = allocationStatus('p', ['i-1', 'i-2'], views);
    expect(running).toMatchObject({ state: 'running', allocation: 'a1', started_at: launched.toISOString() });
    expect(running.node_names).toEqual(['ip-10-0-0-1.ec2.internal', 'ip-10-0-0-2.ec2.internal']);
    const pending = allocationStatus('p', ['i-2'], views);
    expect(pending.state).toBe('pending');
    expect(pending.started_at).toBeUndefined();
  });

  it('ends with the most telling reason: an interruption beats the cancel after it', () => {
    const views = [
      instance('i-1', ended('Server.SpotInstanceTermination', '2026-01-02 03:10:00 GMT')),
      instance('i-2', ended('Client.UserInitiatedShutdown', '2026-01-02 03:11:00 GMT')),
    ].map(viewInstance);
    const status = allocationStatus('p', ['i-1', 'i-2'], views);
    expect(status).toMatchObject({ state: 'ended', reason: 'preempted', ended_at: '2026-01-02T03:11:00.000Z' });
    expect(status.message).toContain('i-1: Server.SpotInstanceTermination: words');
  });

  it('reports the walltime end, and ends_at from the walltime tag', () => {
    const tags = [{ Key: 'jobgraph:walltime-s', Value: '1800' }];
    const live = allocationStatus('p', ['i-1'], [viewInstance(instance('i-1', { Tags: tags }))]);
    expect(live.ends_at).toBe('2026-01-02T03:30:00.000Z');
    const done = viewInstance(instance('i-1', { Tags: tags, ...ended('Client.InstanceInitiatedShutdown') }));
    expect(allocationStatus('p', ['i-1'], [done]).reason).toBe('walltime');
  });

  it('answers ended/unknown for instances EC2 no longer knows', () => {
    const status = allocationStatus('p', ['i-9'], []);
    expect(status).toMatchObject({ state: 'ended', reason: 'unknown' });
    expect(status.message).toContain('i-9: no longer known to EC2');
  });
});

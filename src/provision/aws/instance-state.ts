/**
 * Reading `DescribeInstances` answers in jobgraph's terms: each instance pending, running or
 * ended (and why), and an allocation's state from its instances'.
 *
 * Why an instance ended is in its `StateReason.Code`:
 * - `Server.SpotInstanceTermination` / `Server.SpotInstanceShutdown`: EC2 took Spot capacity back → preempted
 * - `Client.UserInitiatedShutdown`: TerminateInstances/StopInstances (a person or jobgraph's cancel) → canceled
 * - `Client.InstanceInitiatedShutdown`: the instance shut itself down (the worker exited) → finished, or
 *   walltime when it happened at the lifetime cap
 * - `Server.ScheduledStop`: hardware retirement → node_failure
 * - `Server.InternalError`, `Server.InsufficientInstanceCapacity`, `Client.*` launch errors → failed
 */
import type { Instance } from '@aws-sdk/client-ec2';
import type { AllocationEndReason } from '../../core/model.js';
import type { AllocationStatus } from '../provider.js';
import { TAG, tagValue } from './instance-tags.js';

/** One instance in jobgraph's terms. */
export interface InstanceView {
  id: string;
  state: AllocationStatus['state'];
  reason?: AllocationEndReason;
  /** EC2's state reason, as it wrote it. */
  message?: string;
  node_name: string;
  instance_type?: string;
  zone?: string;
  market: 'spot' | 'on-demand';
  launched_at?: string;
  ended_at?: string;
  allocation?: string;
  workflow?: string;
  walltime_s?: number;
}

const LIVE_STATES: Record<string, AllocationStatus['state']> = { pending: 'pending', running: 'running' };

const FAILED_CODES = new Set([
  'Server.InternalError',
  'Server.InsufficientInstanceCapacity',
  'Client.InternalError',
  'Client.VolumeLimitExceeded',
  'Client.InvalidSnapshot.NotFound',
]);

/** Slack on the lifetime cap: `shutdown +M` counts whole minutes from boot, not from launch. */
const WALLTIME_SLACK_MS = 120_000;

/** Why an instance ended, from its state reason code. */
export function endReason(code: string | undefined, ranMs?: number, walltimeS?: number): AllocationEndReason {
  switch (code) {
    case 'Server.SpotInstanceTermination':
    case 'Server.SpotInstanceShutdown':
      return 'preempted';
    case 'Client.UserInitiatedShutdown':
      return 'canceled';
    case 'Client.InstanceInitiatedShutdown':
      return walltimeS !== undefined && ranMs !== undefined && ranMs >= walltimeS * 1000 - WALLTIME_SLACK_MS
        ? 'walltime'
        : 'finished';
    case 'Server.ScheduledStop':
      return 'node_failure';
    default:
      return code && FAILED_CODES.has(code) ? 'failed' : 'unknown';
  }
}

/**
 * When the instance left `running`: EC2 writes it only into the transition text,
 * e.g. `User initiated (2026-01-02 03:04:05 GMT)`.
 */
export function transitionTime(text: string | undefined): string | undefined {
  const m = /\((\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (?:GMT|UTC)\)/.exec(text ?? '');
  return m ? new Date(`${m[1]}T${m[2]}Z`).toISOString() : undefined;
}

export function viewInstance(instance: Instance): InstanceView {
  const id = instance.InstanceId ?? '';
  const state = LIVE_STATES[instance.State?.Name ?? ''] ?? 'ended';
  const launched_at = instance.LaunchTime?.toISOString();
  const walltimeTag = tagValue(instance.Tags, TAG.walltime);
  const walltime_s = walltimeTag !== undefined && /^\d+$/.test(walltimeTag) ? Number(walltimeTag) : undefined;
  const view: InstanceView = {
    id,
    state,
    node_name: instance.PrivateDnsName || id,
    instance_type: instance.InstanceType,
    zone: instance.Placement?.AvailabilityZone,
    market: instance.InstanceLifecycle === 'spot' ? 'spot' : 'on-demand',
    launched_at,
    allocation: tagValue(instance.Tags, TAG.allocation),
    workflow: tagValue(instance.Tags, TAG.workflow),
    walltime_s,
  };
  if (state === 'ended') {
    const ended_at = transitionTime(instance.StateTransitionReason);
    const ranMs = ended_at && launched_at ? Date.parse(ended_at) - Date.parse(launched_at) : undefined;
    view.reason = endReason(instance.StateReason?.Code, ranMs, walltime_s);
    view.message = instance.StateReason?.Message ?? instance.State?.Name;
    view.ended_at = ended_at;
  }
  return view;
}

/**
 * When several instances of one allocation ended for different reasons, the one that says
 * most about what to do next wins: an interruption beats a cancel that cleaned up after it.
 */
const REASON_RANK: AllocationEndReason[] = [
  'preempted',
  'node_failure',
  'failed',
  'walltime',
  'canceled',
  'finished',
  'unknown',
];

/**
 * One allocation's state from its instances: running while any runs, pending while any is
 * still starting, else ended. Instances EC2 no longer reports (terminated more than about an
 * hour ago) count as ended for an unknown reason.
 */
export function allocationStatus(providerId: string, instanceIds: string[], views: InstanceView[]): AllocationStatus {
  const byId = new Map(views.map((v) => [v.id, v]));
  const known = instanceIds.map((id) => byId.get(id)).filter((v): v is InstanceView => v !== undefined);
  const state: AllocationStatus['state'] = known.some((v) => v.state === 'running')
    ? 'running'
    : known.some((v) => v.state === 'pending')
      ? 'pending'
      : 'ended';
  const first = known[0];
  const launches = known.map((v) => v.launched_at).filter((t): t is string => t !== undefined);
  const started_at = state === 'pending' || launches.length === 0 ? undefined : launches.sort()[0];
  const walltime = first?.walltime_s;
  const status: AllocationStatus = {
    provider_id: providerId,
    state,
    ...(first?.allocation !== undefined && { allocation: first.allocation }),
    node_names: known.map((v) => v.node_name),
    ...(started_at && { started_at }),
    ...(started_at &&
      walltime !== undefined && {
        ends_at: new Date(Date.parse(started_at) + walltime * 1000).toISOString(),
      }),
    // Not `instances`: that is what submit recorded (with prices), and status details are merged over it.
    details: {
      instance_states: known.map((v) => ({
        id: v.id,
        state: v.state,
        type: v.instance_type,
        zone: v.zone,
        market: v.market,
        ...(v.reason && { reason: v.reason }),
      })),
    },
  };
  if (state !== 'ended') return status;

  const missing = instanceIds.filter((id) => !byId.has(id));
  const reasons = known.map((v) => v.reason ?? 'unknown');
  if (missing.length > 0 || known.length === 0) reasons.push('unknown');
  status.reason = REASON_RANK.find((r) => reasons.includes(r)) ?? 'unknown';
  const messages = known.filter((v) => v.message).map((v) => `${v.id}: ${v.message}`);
  if (missing.length > 0) messages.push(`${missing.join(', ')}: no longer known to EC2`);
  status.message = messages.join('; ');
  const ends = known.map((v) => v.ended_at).filter((t): t is string => t !== undefined);
  if (ends.length > 0) status.ended_at = ends.sort().at(-1);
  return status;
}

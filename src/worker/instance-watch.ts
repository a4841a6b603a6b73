/**
 * A worker on an EC2 instance (`worker start --imds`): it learns from the instance metadata
 * service what it runs on (recorded on its compute node) and watches it for EC2 wanting the
 * instance back (interruption-monitor.ts):
 *
 * - a Spot interruption notice ends the lease at the notice's time (`Lease.announce`): attempts
 *   that cannot finish before it are terminated as interrupted and run again elsewhere as their
 *   next attempt; nothing that cannot finish in time is taken;
 * - a rebalance recommendation drains the lease (`Lease.drain`): nothing new is taken, running
 *   attempts finish, and the worker ends once idle — its instance then shuts down.
 *
 * Each notice is also posted as one event of the workflow (`spot_interruption_notice`,
 * `rebalance_recommendation`) so the provisioner can avoid the pool and replace the capacity.
 */
import type { Logger } from '../core/logger.js';
import type { ImdsClient, InstanceIdentity } from '../provision/aws/imds-client.js';
import {
  startInterruptionMonitor,
  type InterruptionMonitor,
  type InterruptionNotice,
} from '../provision/aws/interruption-monitor.js';
import type { Lease } from './lease.js';

/** What the worker tells the API about its instance (compute node fields). */
export interface InstanceFields {
  instance_id: string;
  instance_type: string;
  zone: string;
  market: string;
}

/** Event types of the notices, as the provisioner reads them. */
export const NOTICE_EVENT_TYPES = {
  interruption: 'spot_interruption_notice',
  rebalance: 'rebalance_recommendation',
} as const;

export function instanceFields(identity: InstanceIdentity): InstanceFields {
  return {
    instance_id: identity.instanceId,
    instance_type: identity.instanceType,
    zone: identity.zone,
    // IMDS says `spot` or `on-demand` (or `scheduled`, `capacity-block`): the market, as written.
    market: identity.lifecycle,
  };
}

/** Where a notice happened: the worker, its allocation, its instance. */
export interface NoticeContext {
  workerId: string;
  allocation?: string;
  instance?: InstanceFields;
}

/**
 * The event one notice is recorded as. Its key is made from the worker, the kind and the
 * notice's time, so a notice posted twice (a retried request) is stored once.
 */
export function noticeEvent(
  notice: InterruptionNotice,
  context: NoticeContext,
): { _key: string; type: string; [field: string]: unknown } {
  return {
    _key: `${context.workerId}-${notice.kind}-${notice.time.getTime()}`,
    type: NOTICE_EVENT_TYPES[notice.kind],
    worker_id: context.workerId,
    ...(context.allocation !== undefined && { allocation: context.allocation }),
    ...context.instance,
    ...(notice.action !== undefined && { action: notice.action }),
    time: notice.time.toISOString(),
  };
}

/** What a notice does to the lease. */
export function applyNotice(lease: Lease, notice: InterruptionNotice): void {
  if (notice.kind === 'interruption') lease.announce({ reason: 'spot interruption', at: notice.time });
  else lease.drain('rebalance recommendation');
}

export interface InstanceWatchDeps {
  imds: ImdsClient;
  /** Between polls. @default 5000 */
  pollMs?: number;
  lease: Lease;
  context: NoticeContext;
  /** Record the notice's event (the worker posts it to its workflow). */
  record(event: ReturnType<typeof noticeEvent>): Promise<void>;
  logger: Logger;
}

/** Watch the instance until `stop()`. */
export function watchInstance(deps: InstanceWatchDeps): InterruptionMonitor {
  const { logger } = deps;
  return startInterruptionMonitor({
    imds: deps.imds,
    intervalMs: deps.pollMs,
    onNotice: (notice) => {
      logger.warn(
        { notice: notice.kind, action: notice.action, at: notice.time.toISOString(), ...deps.context.instance },
        notice.kind === 'interruption'
          ? 'Spot interruption notice: terminating what cannot finish before it'
          : 'rebalance recommendation: taking no new job',
      );
      applyNotice(deps.lease, notice);
      deps
        .record(noticeEvent(notice, deps.context))
        .catch((err: unknown) => logger.warn({ err, notice: notice.kind }, 'could not record the notice as an event'));
    },
    warn: (message) => logger.warn(message),
  });
}

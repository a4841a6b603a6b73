/**
 * Watches instance metadata for the two signs that EC2 wants a Spot instance back:
 * - `spot/instance-action`: the interruption notice, about two minutes ahead
 *   (`{"action":"terminate","time":"…"}`; 404 while there is none);
 * - `events/recommendations/rebalance`: a raised risk of interruption, often earlier
 *   (`{"noticeTime":"…"}`).
 *
 * Each notice is reported once through `onNotice`. The worker (wired by the integrator) stops
 * taking jobs and terminates what cannot finish before `time`, reporting those attempts as
 * interrupted (decision 0008). Metadata that cannot be read is a warning, never a throw: the
 * monitor keeps polling, because a notice may still come.
 */
import { ImdsClient, type InstanceAction } from './imds-client.js';

export interface InterruptionNotice {
  kind: 'interruption' | 'rebalance';
  /** For an interruption: what EC2 will do (`terminate`, `stop`, `hibernate`). */
  action?: string;
  /** When EC2 will act (interruption) or when it recommended rebalancing. */
  time: Date;
}

export interface InterruptionMonitorOptions {
  /** The IMDS base URL (e.g. `http://169.254.169.254`) or a client of it. */
  imds: string | ImdsClient;
  /** Between polls. @default 5000 */
  intervalMs?: number;
  /** Called once per notice. */
  onNotice(notice: InterruptionNotice): void;
  /** Told when metadata becomes unreadable (once per outage) and when onNotice throws. */
  warn?(message: string): void;
}

export interface InterruptionMonitor {
  /** End polling; resolves once a poll in progress has finished. */
  stop(): Promise<void>;
}

export function startInterruptionMonitor(options: InterruptionMonitorOptions): InterruptionMonitor {
  const imds = typeof options.imds === 'string' ? new ImdsClient({ baseUrl: options.imds }) : options.imds;
  const intervalMs = options.intervalMs ?? 5000;
  const warn = options.warn ?? (() => undefined);
  const seen = new Set<string>();
  let failing = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();

  const report = (notice: InterruptionNotice) => {
    const key = `${notice.kind}|${notice.action ?? ''}|${notice.time.toISOString()}`;
    if (seen.has(key)) return;
    seen.add(key);
    try {
      options.onNotice(notice);
    } catch (err) {
      warn(`interruption monitor: onNotice threw: ${(err as Error).message}`);
    }
  };

  const poll = async () => {
    const [action, rebalance] = await Promise.allSettled([imds.instanceAction(), imds.rebalanceRecommendation()]);
    if (stopped) return;
    const errors = [action, rebalance].flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (errors.length > 0 && !failing) warn(`interruption monitor: cannot read instance metadata: ${errors[0]}`);
    failing = errors.length > 0;
    if (action.status === 'fulfilled' && action.value) report(interruption(action.value));
    if (rebalance.status === 'fulfilled' && rebalance.value) report({ kind: 'rebalance', time: rebalance.value.time });
  };

  const loop = () => {
    if (stopped) return;
    inFlight = poll().finally(() => {
      if (stopped) return;
      timer = setTimeout(loop, intervalMs);
      // A monitor alone must not keep a worker process alive.
      timer.unref();
    });
  };
  loop();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
    },
  };
}

function interruption(action: InstanceAction): InterruptionNotice {
  return { kind: 'interruption', action: action.action, time: action.time };
}

/**
 * The Spot interruption monitor against a metadata server that enforces IMDSv2 tokens.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  startInterruptionMonitor,
  type InterruptionMonitor,
  type InterruptionNotice,
} from '../../src/provision/aws/interruption-monitor.js';
import { waitFor } from '../e2e/support/cli.js';
import { startImdsServer, type ImdsServer } from '../support/imds-server.js';

const identity = {
  instanceId: 'i-0abc1234def567890',
  instanceType: 'c5.large',
  zone: 'us-east-1b',
  lifecycle: 'spot',
} as const;
const running: Array<ImdsServer | InterruptionMonitor> = [];

afterEach(async () => {
  for (const r of running.splice(0)) await r.stop();
});

function watch(url: string) {
  const notices: InterruptionNotice[] = [];
  const warnings: string[] = [];
  const monitor = startInterruptionMonitor({
    imds: url,
    intervalMs: 50,
    onNotice: (n) => notices.push(n),
    warn: (m) => warnings.push(m),
  });
  running.unshift(monitor);
  return { monitor, notices, warnings };
}

async function imdsServer(port?: number) {
  const server = await startImdsServer({ ...identity, port });
  running.push(server);
  return server;
}

describe('interruption monitor', () => {
  it('reports an interruption notice once, however often it polls it', async () => {
    const imds = await imdsServer();
    const { notices, warnings } = watch(imds.url);
    const time = new Date(Date.now() + 120_000);
    time.setMilliseconds(0);
    imds.interrupt(time);
    await waitFor(() => (notices.length > 0 ? true : undefined), 5000, 'the notice');
    const polled = imds.counts.gets;
    await waitFor(() => (imds.counts.gets >= polled + 10 ? true : undefined), 5000, 'more polls');
    expect(notices).toEqual([{ kind: 'interruption', action: 'terminate', time }]);
    expect(warnings).toEqual([]);
  });

  it('reports a rebalance recommendation, and a later interruption as a new notice', async () => {
    const imds = await imdsServer();
    const { notices } = watch(imds.url);
    imds.rebalance(new Date('2026-01-02T03:04:05Z'));
    await waitFor(() => (notices.length === 1 ? true : undefined), 5000, 'the rebalance');
    imds.interrupt(new Date('2026-01-02T03:10:00Z'), 'stop');
    await waitFor(() => (notices.length === 2 ? true : undefined), 5000, 'the interruption');
    expect(notices).toEqual([
      { kind: 'rebalance', time: new Date('2026-01-02T03:04:05Z') },
      { kind: 'interruption', action: 'stop', time: new Date('2026-01-02T03:10:00Z') },
    ]);
  });

  it('warns once when metadata cannot be read, keeps polling, and reports once it can', async () => {
    const probe = await startImdsServer(identity);
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    const { notices, warnings } = watch(probe.url);
    await waitFor(() => (warnings.length > 0 ? true : undefined), 5000, 'a warning');
    expect(warnings[0]).toMatch(/cannot read instance metadata/);

    // Metadata comes up where the monitor polls: the monitor was still polling all along.
    const imds = await imdsServer(port);
    imds.interrupt(new Date('2026-01-02T03:10:00Z'));
    await waitFor(() => (notices.length > 0 ? true : undefined), 5000, 'the notice after the outage');
    expect(warnings).toHaveLength(1);
  });

  it('stops polling when stopped', async () => {
    const imds = await imdsServer();
    const { monitor } = watch(imds.url);
    await waitFor(() => (imds.counts.gets > 2 ? true : undefined), 5000, 'polls');
    await monitor.stop();
    const after = imds.counts.gets;
    // Ten poll intervals with no poll: the timer is gone (a condition over time, not a sleep as a wait).
    const quiet = Date.now() + 500;
    await waitFor(() => (Date.now() > quiet ? true : undefined), 2000);
    expect(imds.counts.gets).toBe(after);
  });
});

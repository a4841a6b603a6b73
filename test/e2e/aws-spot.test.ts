/**
 * AWS end to end, as real as this machine allows: a `jobgraph server` (API, scheduler and
 * provisioner) whose EC2 endpoint is a moto server; a 30-job workflow with a Spot scheduler,
 * started with auto-scaling. moto creates the instances but boots nothing, so the test's
 * launcher (test/support/instance-launcher.ts) does what cloud-init would: it runs each
 * instance's user data worker command as a local process, with `--imds` pointed at a
 * metadata server of that instance, and terminates the instance when the worker exits.
 *
 * Mid-workflow one instance, just as it starts a job, gets a Spot interruption notice: its
 * attempts are reported interrupted and run again on other instances; the interrupted
 * allocation is replaced outside its pool; the workflow completes with no failure retry spent
 * and one result per (job, attempt); nothing tagged `jobgraph=true` is left running, no worker
 * process is left, and every allocation ended with a cost or an honest unknown.
 *
 * The figures the task asks for are printed as `[aws-spot] …` lines.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AllocationReport } from '../../src/cli/allocation-report.js';
import type { AllocationDoc, BaseDoc, EdgeDoc, ResultDoc } from '../../src/core/model.js';
import { startMotoServer, type MotoServer } from '../setup/moto-server.js';
import { Ec2Inspector } from '../support/ec2-inspect.js';
import { startInstanceLauncher, type InstanceLauncher } from '../support/instance-launcher.js';
import { processesIn, waitFor } from './support/cli.js';
import { attemptsByJob, openProcessStack, type ProcessStack } from './support/process-stack.js';

const JOBS = 30;
const MAX_INSTANCES = 3;
/** What a notice gives: shorter than EC2's two minutes, and below the expiration buffer (30 s), so nothing new starts. */
const NOTICE_S = 20;

let moto: MotoServer;
let ec2: Ec2Inspector;
let stack: ProcessStack;
let launcher: InstanceLauncher | undefined;

beforeAll(async () => {
  moto = await startMotoServer();
  ec2 = new Ec2Inspector(moto);
  // Short periods through config, not sleeps: allocations are followed every 300 ms.
  stack = await openProcessStack(inject('redisUrl'), { ...moto.env, JOBGRAPH_PROVISION_MS: '300' });
  await stack.startServer();
});

afterAll(async () => {
  await launcher?.stop();
  await stack?.cleanup();
  ec2?.close();
  await moto?.stop();
});

/** Whether `pid` is one of `roots` or runs under one of them (a dead worker's children are reparented away). */
function descendsFrom(pid: number, roots: number[]): boolean {
  for (let p = pid, depth = 0; p > 1 && depth < 50; depth++) {
    if (roots.includes(p)) return true;
    try {
      // The field after the parenthesised command name and the state is the parent's pid.
      p = Number(readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
    } catch {
      return false;
    }
  }
  return false;
}
const commandLine = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
const figure = (what: string, value: string) => process.stdout.write(`[aws-spot] ${what}: ${value}\n`);
const startOf = (r: ResultDoc) => Date.parse(r.completion_time) - r.exec_time_s * 1000;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function documents<T extends BaseDoc>(wf: string, collection: 'allocations' | 'events' | 'compute_nodes') {
  return (await stack.store().listDocuments(wf, collection, { limit: 10_000 })).items as T[];
}
const events = async (wf: string, type: string) => (await documents(wf, 'events')).filter((e) => e.type === type);

function spec(ami: string): string {
  return `name: aws-spot-e2e
compute_node_expiration_buffer_seconds: 30
compute_node_wait_for_new_jobs_seconds: 30
resource_requirements:
  - { name: one, num_cpus: 1, memory: 100m, runtime: PT2M }
aws_schedulers:
  - name: spot
    market: spot
    instance_types: [t3.micro]
    max_instances: ${MAX_INSTANCES}
    ami: ${ami}
jobs:
  - { name: 'job_{i:02d}', command: 'sleep 4', resource_requirements: one, scheduler: spot, parameters: { i: '1:${JOBS}' } }
`;
}

describe('AWS Spot end to end (moto)', () => {
  it('30 jobs on self-starting Spot workers; an interrupted job runs again elsewhere; nothing left running', async () => {
    const file = join(stack.dir, 'aws-spot.yaml');
    writeFileSync(file, spec(await ec2.amazonLinuxAmi()));
    const wf = (await stack.cli('workflow', 'create', file)).trim();
    const store = stack.store();
    launcher = startInstanceLauncher({
      ec2,
      workflow: wf,
      env: { JOBGRAPH_LOG_LEVEL: 'info', JOBGRAPH_IMDS_POLL_MS: '200' },
    });
    const startedAt = Date.now();
    await stack.cli('workflow', 'start', wf, '--auto-scale');

    // The first job that starts on a worker while another instance is serving too: its
    // instance gets the notice a moment after the job began.
    const seenRunning = new Set<string>();
    const victim = await waitFor(
      async () => {
        const [jobs, executed, nodes] = await Promise.all([
          stack.jobs(wf),
          store.listEdges(wf, 'executed', { limit: 10_000 }).then((p) => p.items as EdgeDoc[]),
          documents(wf, 'compute_nodes'),
        ]);
        const fresh = jobs.filter((j) => j.status === 'running' && !seenRunning.has(j._key));
        for (const j of jobs) if (j.status === 'running') seenRunning.add(j._key);
        if (nodes.length < 2) return undefined;
        for (const job of fresh) {
          const edge = executed.find((e) => e._to === `jobs/${job._key}`);
          const node = nodes.find((n) => n._id === edge?._from);
          const instance = typeof node?.instance_id === 'string' ? launcher!.booted.get(node.instance_id) : undefined;
          if (instance) return { job, node: node!, instance };
        }
        return undefined;
      },
      60_000,
      'a job starting while two instances serve',
    );
    const noticeAt = Date.now();
    victim.instance.imds.interrupt(new Date(noticeAt + NOTICE_S * 1000));

    // Its attempt runs again, as attempt 2, on another instance.
    const rerun = await waitFor(
      async () => {
        const job = (await stack.jobs(wf)).find((j) => j._key === victim.job._key)!;
        return job.attempt === 2 && job.status !== 'queued' && job.status !== 'ready' ? job : undefined;
      },
      60_000,
      'the interrupted job to run again',
    );

    await waitFor(
      async () =>
        JSON.parse(await stack.cli('workflow', 'status', wf, '--json')).status === 'completed' ? true : undefined,
      90_000,
      'the workflow to complete',
    );
    // Every worker ends with the workflow; each instance is then terminated.
    await waitFor(
      async () => ((await ec2.liveJobgraphInstances()).length === 0 ? true : undefined),
      30_000,
      'no instance left',
    );
    const exits = await Promise.all([...launcher.booted.values()].map((b) => b.ended));
    const allocations = await waitFor(
      async () => {
        const docs = await documents<AllocationDoc>(wf, 'allocations');
        return docs.every((a) => a.state === 'ended') ? docs : undefined;
      },
      15_000,
      'every allocation recorded as ended',
    );

    // --- the run ---
    const jobs = await stack.jobs(wf);
    const results = await stack.results(wf);
    expect(jobs.map((j) => j.status)).toEqual(Array(JOBS).fill('completed'));
    expect(jobs.filter((j) => (j.failure_retries ?? 0) > 0)).toEqual([]);
    expect(exits).toEqual(exits.map(() => 0));
    // One result per (job, attempt): attempts 1..n, each once.
    for (const [, attempts] of attemptsByJob(results)) expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    const interrupted = results.filter((r) => (r as ResultDoc & { interrupted?: boolean }).interrupted);
    expect(interrupted.map((r) => r.job)).toContain(victim.job._key);
    expect(interrupted.every((r) => r.status === 'terminated' && r.attempt === 1)).toBe(true);
    expect(results.filter((r) => r.status !== 'completed')).toEqual(interrupted);

    // The re-run ran on another instance.
    const executed = (await store.listEdges(wf, 'executed', { limit: 10_000 })).items as EdgeDoc[];
    const nodes = await documents(wf, 'compute_nodes');
    const rerunResult = results.find((r) => r.job === victim.job._key && r.attempt === 2)!;
    const rerunNode = nodes.find((n) => n._key === rerunResult.compute_node)!;
    expect(rerunNode.instance_id).not.toBe(victim.instance.instanceId);
    expect(executed.length).toBe(results.length);

    // --- the notice and the replacement ---
    const notices = await events(wf, 'spot_interruption_notice');
    expect(notices).toEqual([
      expect.objectContaining({
        allocation: victim.instance.allocation,
        instance_id: victim.instance.instanceId,
        instance_type: 't3.micro',
        zone: victim.instance.zone,
        market: 'spot',
      }),
    ]);
    const submitted = await events(wf, 'allocation_submitted');
    const replacements = submitted.filter((e) => e.reason === 'replacement');
    expect(replacements).toEqual([
      expect.objectContaining({
        replaces: victim.instance.allocation,
        avoid: [{ instance_type: 't3.micro', zone: victim.instance.zone }],
      }),
    ]);
    expect(allocations.length).toBe(submitted.length + (await events(wf, 'allocation_failed')).length);

    // --- nothing left, every allocation priced or honestly not ---
    expect(await ec2.liveJobgraphInstances()).toEqual([]);
    const report = JSON.parse(await stack.cli('allocations', wf, '--json')) as AllocationReport;
    expect(report.allocations.length).toBe(allocations.length);
    for (const row of report.allocations) {
      expect(row.state).toBe('ended');
      expect(typeof row.cost === 'number' || typeof row.cost_note === 'string').toBe(true);
      if (row.seconds > 0) expect(row).toMatchObject({ instance_types: ['t3.micro'], market: 'spot' });
    }
    await launcher.stop();
    // Left in the run's directory: the server and what it runs (tsx's esbuild), no worker, no job.
    const server = stack.children.map((c) => c.pid!);
    expect(
      processesIn(stack.dir)
        .filter((pid) => !descendsFrom(pid, server))
        .map(commandLine),
    ).toEqual([]);

    // --- the figures ---
    const firstStart = Math.min(...results.map(startOf));
    const firstOf = async (type: string) =>
      Math.min(...(await events(wf, type)).map((e) => Date.parse(String(e.timestamp))));
    figure('workflow start → first job running', seconds(firstStart - startedAt));
    figure('  → first allocation submitted', seconds((await firstOf('allocation_submitted')) - startedAt));
    figure('  → first worker registered', seconds((await firstOf('worker_registered')) - startedAt));
    const victimResult = results.find((r) => r.job === victim.job._key && r.attempt === 1)!;
    figure(
      'interruption notice → attempt reported interrupted',
      seconds(Date.parse(victimResult.completion_time) - noticeAt),
    );
    figure('interruption notice → interrupted job running again elsewhere', seconds(startOf(rerunResult) - noticeAt));
    const queuedAhead = results.filter(
      (r) => r.attempt === 1 && r.status === 'completed' && startOf(r) >= noticeAt && startOf(r) < startOf(rerunResult),
    ).length;
    figure('  jobs started between the notice and the re-run (the queue is FIFO)', String(queuedAhead));
    figure(
      'allocations submitted vs. minimum needed',
      `${submitted.length} submitted (${replacements.length} replacement), minimum ${MAX_INSTANCES + 1} ` +
        `(${JOBS} one-CPU jobs need ${JOBS / 2} two-CPU nodes, capped at max_instances ${MAX_INSTANCES}, + 1 replacement)`,
    );
    figure('whole run', seconds(Date.now() - startedAt));
    figure(
      'replacement zone (moto ignores the zone overrides, so it may repeat the avoided one)',
      [...launcher.booted.values()].find((b) => b.allocation === replacements[0]!.allocation)?.zone ?? '-',
    );
    figure('instances booted', String(launcher.booted.size));
    figure(
      'cost total (moto Spot price placeholder)',
      `${report.total.cost?.toFixed(6) ?? '-'} USD, unpriced ${report.total.unpriced}`,
    );
    expect(rerun.attempt).toBe(2);
  }, 180_000);
});

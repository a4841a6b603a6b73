/**
 * The provider contract: what every ComputeProvider adapter does, run against each one that
 * is reachable (provider-local.test.ts, provider-slurm.test.ts, provider-aws.test.ts on moto).
 * The "worker" is a stand-in that needs no API — `sh -c 'sleep …'`, the appended
 * `worker start …` arguments being positional parameters it ignores — because what is under
 * test is that the provider starts, tracks, lists and cancels things, not the worker.
 *
 * A provider that cannot show a case says so in its options (`cannot`), with the reason; the
 * case is then skipped for it, visibly (vitest lists it as skipped), never silently passed.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, ValidationError } from '../../src/core/errors.js';
import { randomKey } from '../../src/core/keys.js';
import type { SchedulerDoc } from '../../src/core/model.js';
import type { AllocationRequest, AllocationStatus, ComputeProvider } from '../../src/provision/provider.js';
import { waitFor } from '../e2e/support/cli.js';
import { freshRequest } from './provider-fixtures.js';

export interface ProviderContractSetup {
  provider: ComputeProvider;
  /** A scheduler this provider accepts, for `workflow`, with `fields` over it. */
  scheduler(workflow: string, fields?: Record<string, unknown>): SchedulerDoc;
  /** Scheduler fields `validate` must refuse, and the field path its error must name. */
  invalid: { fields: Record<string, unknown>; path: string };
  /** Turn a good request into one the provider refuses at submission. */
  refuse(request: AllocationRequest): AllocationRequest;
  /** What is alive for an allocation key, found without the adapter (processes, Slurm jobs). */
  alive(request: AllocationRequest): Promise<string[]>;
  /** A provider id this provider never gave. */
  unknownId: string;
  /** How long an allocation may take to start, or to end once it should. */
  timeoutMs: number;
  teardown?(): Promise<void>;
}

/** What the suite needs to know before setup runs (to decide which tests exist). */
export interface ProviderContractOptions {
  /** A short walltime to test the walltime end with, and how long that end may take; absent: not tested. */
  walltime?: { seconds: number; timeoutMs: number };
  /**
   * Cases this provider's test setup cannot show, each with the reason (kept here, where the
   * skip is decided): `workerExit` — an allocation ending by its worker's exit (`finished`,
   * `failed`), for a setup whose nodes run no worker (moto runs no user data).
   */
  cannot?: { workerExit?: string };
}

const sh = (script: string) => ['/bin/sh', '-c', script, 'sh'];

/** A skipped case's name carries its reason, so the run's report says why. */
const skipped = (reason: string | undefined) => (reason ? ` (skipped: ${reason})` : '');

export function describeProviderContract(
  name: string,
  setup: () => Promise<ProviderContractSetup>,
  options: ProviderContractOptions = {},
): void {
  describe(`provider contract: ${name}`, () => {
    let s: ProviderContractSetup;
    const dirs: string[] = [];
    const submitted: string[] = [];

    beforeAll(async () => {
      s = await setup();
    });
    afterAll(async () => {
      if (!s) return;
      await Promise.allSettled(submitted.map((id) => s.provider.cancel(id)));
      await s.provider.close();
      await s.teardown?.();
      dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
    });

    const request = (command: string[], fields: Record<string, unknown> = {}) =>
      freshRequest((workflow) => s.scheduler(workflow, fields), command, dirs);

    async function submit(req: AllocationRequest): Promise<string> {
      const { provider_id } = await s.provider.submit(req);
      submitted.push(provider_id);
      return provider_id;
    }

    async function statusOf(id: string): Promise<AllocationStatus> {
      const status = (await s.provider.status([id])).get(id);
      expect(status, `status of ${id}`).toBeDefined();
      return status!;
    }

    const until = (id: string, ok: (st: AllocationStatus) => boolean, timeoutMs: number, what: string) =>
      waitFor(
        async () => {
          const st = await statusOf(id);
          return ok(st) ? st : undefined;
        },
        timeoutMs,
        `${id} ${what}`,
      );

    it('validate refuses a bad scheduler, naming the field', async () => {
      const err = await s.provider.validate(s.scheduler('wfv', s.invalid.fields)).catch((e) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.path)).toContain(s.invalid.path);
      await expect(s.provider.validate(s.scheduler('wfv'))).resolves.toBeUndefined();
    });

    it('nodeShape and describe answer for a good scheduler', async () => {
      const shape = await s.provider.nodeShape(s.scheduler('wfv'));
      expect(shape.num_cpus).toBeGreaterThan(0);
      expect(shape.memory_bytes).toBeGreaterThan(0);
      expect(shape.num_gpus).toBeGreaterThanOrEqual(0);
      const req = request(sh('sleep 600'));
      expect(await s.provider.describe(req)).toContain(req.allocation);
    });

    it('submit → pending/running → listed by workflow and key → cancel → ended canceled, gone from list', async () => {
      const req = request(sh('sleep 600'));
      const id = await submit(req);
      expect(['pending', 'running']).toContain((await statusOf(id)).state);
      const running = await until(id, (st) => st.state === 'running', s.timeoutMs, 'running');
      expect(running.allocation).toBe(req.allocation);
      expect(running.started_at).toBeDefined();

      const mine = await s.provider.list({ workflow: req.workflow });
      expect(mine.map((a) => [a.provider_id, a.allocation])).toEqual([[id, req.allocation]]);
      expect((await s.provider.list()).some((a) => a.allocation === req.allocation)).toBe(true);
      expect(await s.provider.list({ workflow: randomKey(8) })).toEqual([]);

      await s.provider.cancel(id);
      const ended = await until(id, (st) => st.state === 'ended', s.timeoutMs, 'ended');
      expect(ended.reason).toBe('canceled');
      expect(ended.ended_at).toBeDefined();
      expect(await s.provider.list({ workflow: req.workflow })).toEqual([]);
      await waitFor(async () => ((await s.alive(req)).length === 0 ? true : undefined), s.timeoutMs, 'nothing alive');
      await expect(s.provider.cancel(id)).resolves.toBeUndefined();
    });

    it('a refused submission throws and leaves nothing alive', async () => {
      const req = s.refuse(request(sh('sleep 600')));
      const err = await s.provider.submit(req).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).message).not.toContain('\n');
      expect(await s.alive(req)).toEqual([]);
      expect(await s.provider.list({ workflow: req.workflow })).toEqual([]);
    });

    it('an id the provider never gave is ended, reason unknown', async () => {
      const statuses = await s.provider.status([s.unknownId]);
      expect(statuses.get(s.unknownId)).toMatchObject({ provider_id: s.unknownId, state: 'ended', reason: 'unknown' });
      expect(await s.provider.status([])).toEqual(new Map());
      await expect(s.provider.cancel(s.unknownId)).resolves.toBeUndefined();
    });

    const workerExit = options.cannot?.workerExit;
    it.skipIf(workerExit)(`workers that exit 0 end the allocation finished${skipped(workerExit)}`, async () => {
      const id = await submit(request(sh('exit 0')));
      const ended = await until(id, (st) => st.state === 'ended', s.timeoutMs, 'ended');
      expect(ended.reason).toBe('finished');
    });

    it.skipIf(workerExit)(`a worker that fails ends the allocation failed${skipped(workerExit)}`, async () => {
      const id = await submit(request(sh('exit 3')));
      expect((await until(id, (st) => st.state === 'ended', s.timeoutMs, 'ended')).reason).toBe('failed');
    });

    const walltime = options.walltime;
    it.runIf(walltime)(
      `an allocation that outlives its walltime (${walltime?.seconds} s) ends with reason walltime`,
      async () => {
        const id = await submit(request(sh('sleep 600'), { walltime_s: walltime!.seconds }));
        const ended = await until(id, (st) => st.state === 'ended', walltime!.timeoutMs, 'ended at its walltime');
        expect(ended.reason).toBe('walltime');
      },
      (walltime?.timeoutMs ?? 0) + 30_000,
    );
  });
}

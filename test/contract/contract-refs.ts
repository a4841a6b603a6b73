/**
 * GraphStore contract, part: references by name (src/graph/resolve-refs.ts) — the by-name
 * lookups the API's `{wf}` and job `{key}` paths use, answered alike by every adapter.
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import { resolveJobRef, resolveWorkflowRef } from '../../src/graph/resolve-refs.js';
import { buildBundle, keyOf, newWorkflowKey } from './bundles.js';
import type { ContractFixture } from './contract-fixture.js';

export function refsContract(fx: ContractFixture): void {
  describe('references by name', () => {
    it('finds a job by key or by name; a key wins over another job named like it', async () => {
      const { store, wf, k } = fx;
      // Job "b" is named like job a's key: the key means job a, job b stays reachable by its key.
      await store.createWorkflow(buildBundle(wf, { jobs: ['a', { name: keyOf(wf, 'a') }, 'step_2'] }));
      expect(await resolveJobRef(store, wf, k('step_2'))).toBe(k('step_2'));
      expect(await resolveJobRef(store, wf, 'step_2')).toBe(k('step_2'));
      expect(await resolveJobRef(store, wf, k('a'))).toBe(k('a'));
      expect(await resolveJobRef(store, wf, k(k('a')))).toBe(k(k('a')));
      await expect(resolveJobRef(store, wf, 'nope')).rejects.toMatchObject({ collection: 'jobs', key: 'nope' });
      await expect(resolveJobRef(store, wf, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    });

    it('finds a workflow by key, or by a name exactly one workflow has; several is a conflict naming them', async () => {
      const store = await fx.fresh();
      const [one, two, three] = [newWorkflowKey(), newWorkflowKey(), newWorkflowKey()];
      const named = (key: string, name: string) => {
        const bundle = buildBundle(key, { jobs: ['a'] });
        bundle.workflow.name = name;
        return store.createWorkflow(bundle);
      };
      await named(one, 'unique');
      await named(two, 'twice');
      await named(three, 'twice');
      expect(await resolveWorkflowRef(store, one)).toBe(one);
      expect(await resolveWorkflowRef(store, 'unique')).toBe(one);
      const ambiguous = resolveWorkflowRef(store, 'twice');
      await expect(ambiguous).rejects.toBeInstanceOf(ConflictError);
      await expect(resolveWorkflowRef(store, 'twice')).rejects.toThrow(
        /2 workflows are named "twice" \(.*\): use a key/,
      );
      await expect(resolveWorkflowRef(store, 'none')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}

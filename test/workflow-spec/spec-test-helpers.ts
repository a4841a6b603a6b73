import { expect } from 'vitest';
import { CycleError, ValidationError, type FieldIssue } from '../../src/core/errors.js';
import type { BaseDoc, WorkflowBundle } from '../../src/core/model.js';
import { specToBundle } from '../../src/workflow-spec/index.js';

/** Run `fn`, expect a ValidationError, return its issues. */
export function issuesOf(fn: () => unknown): FieldIssue[] {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    return err.issues;
  }
  throw new Error('expected a ValidationError, got none');
}

/** Expect `raw` to be rejected with an issue at exactly `path` whose message matches `message`. */
export function expectIssue(raw: unknown, path: string, message: RegExp): void {
  const issues = issuesOf(() => specToBundle(raw, { workflowKey: 'wf' }));
  const hit = issues.find((i) => i.path === path && message.test(i.message));
  expect(hit, `no issue at ${path} matching ${message}; got ${JSON.stringify(issues)}`).toBeDefined();
}

export function cycleOf(raw: unknown): string[] {
  try {
    specToBundle(raw, { workflowKey: 'wf' });
  } catch (err) {
    if (err instanceof CycleError) return err.cycle;
    throw err;
  }
  throw new Error('expected a CycleError, got none');
}

export function build(raw: Record<string, unknown>): WorkflowBundle {
  return specToBundle({ name: 'w', ...raw }, { workflowKey: 'wf', now: new Date('2026-01-02T03:04:05Z') });
}

export function names(bundle: WorkflowBundle, collection: 'jobs' | 'files' | 'user_data'): string[] {
  return (bundle.documents[collection] ?? []).map((d) => d.name as string);
}

/** Edges of one collection as `fromName->toName` strings, for readable assertions. */
export function edgeNames(bundle: WorkflowBundle, collection: keyof WorkflowBundle['edges']): string[] {
  const byId = new Map<string, BaseDoc>();
  for (const docs of Object.values(bundle.documents)) for (const d of docs ?? []) byId.set(d._id, d);
  return (bundle.edges[collection] ?? []).map((e) => `${byId.get(e._from)?.name}->${byId.get(e._to)?.name}`);
}

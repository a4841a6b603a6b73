import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpecText, specToBundle } from '../../src/workflow-spec/index.js';

/** Every YAML block of the README's "Workflow specs" section is a whole spec: it must build. */
const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const section = README.slice(
  README.indexOf('## Workflow specs'),
  README.indexOf('\n## ', README.indexOf('## Workflow specs') + 1),
);
const snippets = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('README "Workflow specs" snippets', () => {
  it('are found', () => expect(snippets.length).toBeGreaterThanOrEqual(5));

  it.each(snippets.map((text) => [text.split('\n')[0], text]))('%s builds', (_first, text) => {
    const bundle = specToBundle(parseSpecText(text, 'yaml'), { workflowKey: 'wf' });
    expect(bundle.documents.jobs?.length).toBeGreaterThan(0);
  });

  it('show what they say', () => {
    const byName = new Map(
      snippets.map((text) => {
        const b = specToBundle(parseSpecText(text, 'yaml'), { workflowKey: 'wf' });
        return [b.workflow.name, b];
      }),
    );
    const three = byName.get('three-schedulers')!;
    expect(three.documents.schedulers!.map((s) => [s.name, s.type, s.nodes])).toEqual([
      ['gpu', 'slurm', 2],
      ['laptop', 'local', 2],
      ['spot', 'aws', 1],
    ]);
    expect(three.edges.scheduled_by).toHaveLength(2);
    expect(byName.get('with-defaults')!.documents.schedulers![0]!.sbatch_defaults).toMatchObject({ qos: 'high' });
    const actions = byName.get('with-actions')!.documents.actions!;
    expect(actions[1]).toMatchObject({
      job_keys: ['wf-j2', 'wf-j3', 'wf-j4', 'wf-j5', 'wf-j6', 'wf-j7', 'wf-j8', 'wf-j9'],
      num_allocations: 2,
    });
    expect(byName.get('with-settings')!.workflow.compute_node_wait_for_new_jobs_seconds).toBe(90);
  });
});

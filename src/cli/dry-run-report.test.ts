import { describe, expect, it } from 'vitest';
import { specToBundle } from '../workflow-spec/index.js';
import { dryRunReport, formatDryRun } from './dry-run-report.js';

describe('dry-run report', () => {
  it('counts what the spec expands to and plans its stages from explicit and file dependencies', () => {
    const r = dryRunReport(
      specToBundle(
        {
          name: 'plan',
          files: [{ name: 'raw', path: 'raw.txt' }],
          jobs: [
            { name: 'make', command: 'x > ${files.output.raw}' },
            { name: 'use_{i}', command: 'cat ${files.input.raw}', parameters: { i: '1:3' } },
            { name: 'sum', command: 'y', depends_on_regexes: ['^use_'] },
            { name: 'alone', command: 'z' },
          ],
        },
        { workflowKey: 'wf' },
      ),
    );
    expect(r).toMatchObject({ workflow: 'plan', jobs: 6, files: 1, user_data: 0, dependencies: 6 });
    expect(r.edges).toMatchObject({ blocks: 3, needs: 3, produces: 1 });
    expect(r.stages).toEqual([['make', 'alone'], ['use_1', 'use_2', 'use_3'], ['sum']]);
    expect(formatDryRun(r)).toContain('stage 2 (3): use_1, use_2, use_3');
  });
});

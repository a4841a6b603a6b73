import { describe, expect, it } from 'vitest';
import { specToBundle } from '../../src/workflow-spec/index.js';

describe('a 100,000-job parameter sweep', () => {
  it('builds with every job, file and edge (linear in jobs: no per-job scan of the workflow)', () => {
    const bundle = specToBundle(
      {
        name: 'big',
        resource_requirements: [{ name: 'small', memory: '100m' }],
        files: [{ name: 'out_{i}', path: 'output/out_{i:06d}.txt', parameters: { i: '1:100000' } }],
        jobs: [
          {
            name: 'job_{i:06d}',
            command: 'echo {i} > ${files.output.out_{i}}',
            parameters: { i: '1:100000' },
            resource_requirements: 'small',
          },
          { name: 'aggregate', command: 'cat output/*', input_files_regexes: ['out_\\d+'] },
        ],
      },
      { workflowKey: 'big' },
    );
    expect(bundle.documents.jobs).toHaveLength(100_001);
    expect(bundle.documents.files).toHaveLength(100_000);
    expect(bundle.edges.produces).toHaveLength(100_000);
    expect(bundle.edges.needs).toHaveLength(100_000);
    expect(bundle.edges.requires).toHaveLength(100_000);
    expect(bundle.documents.jobs![99_999]).toMatchObject({
      _key: 'big-j100000',
      name: 'job_100000',
      command: 'echo 100000 > output/out_100000.txt',
    });
  });
});

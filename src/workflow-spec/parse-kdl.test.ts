import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors.js';
import { specToBundle } from './index.js';
import { parseSpecText } from './parse-spec-text.js';

const KDL = `
name "w"
parameters { i "1:2" }
file "in_{i}" path="/d/in_{i}.txt" {
    use_parameters "i"
}
user_data "cfg" {
    is_ephemeral #true
    data "{\\"k\\": 1}"
}
user_data "raw" { data "not json" }
resource_requirements "small" {
    num_cpus 2
    memory "1g"
    runtime "PT5M"
}
failure_handler "fh" {
    rule {
        exit_codes 10 11
        max_retries 2
    }
}
job "make_{i}" {
    command "echo {i}"
    output_file "in_{i}"
    use_parameters "i"
}
job "sum" {
    command "cat"
    depends_on_job "make_1"
    depends_on "make_2"
    input_file_regexes "in_"
    cancel_on_blocking_job_failure #false
}
action {
    trigger_type "on_jobs_complete"
    action_type "run_commands"
    job "sum"
    command "echo a"
    command "echo b"
}
`;

describe('KDL specs', () => {
  it("map onto the same object as the other formats (torc's mapping)", () => {
    expect(parseSpecText(KDL, 'kdl')).toEqual({
      name: 'w',
      parameters: { i: '1:2' },
      files: [{ name: 'in_{i}', path: '/d/in_{i}.txt', use_parameters: ['i'] }],
      user_data: [
        { name: 'cfg', is_ephemeral: true, data: { k: 1 } },
        { name: 'raw', data: 'not json' },
      ],
      resource_requirements: [{ name: 'small', num_cpus: 2, memory: '1g', runtime: 'PT5M' }],
      failure_handlers: [{ name: 'fh', rules: [{ exit_codes: [10, 11], max_retries: 2 }] }],
      jobs: [
        { name: 'make_{i}', command: 'echo {i}', output_files: ['in_{i}'], use_parameters: ['i'] },
        {
          name: 'sum',
          command: 'cat',
          depends_on: ['make_1', 'make_2'],
          input_file_regexes: ['in_'],
          cancel_on_blocking_job_failure: false,
        },
      ],
      actions: [
        {
          trigger_type: 'on_jobs_complete',
          action_type: 'run_commands',
          jobs: ['sum'],
          commands: ['echo a', 'echo b'],
        },
      ],
    });
    const b = specToBundle(parseSpecText(KDL, 'kdl'), { workflowKey: 'wf' });
    expect(b.documents.jobs?.map((j) => j.name)).toEqual(['make_1', 'make_2', 'sum']);
    expect(b.edges.blocks).toHaveLength(2);
    expect(b.edges.needs).toHaveLength(2);
  });

  it('reads KDL v1 too, and reports a syntax error at (file) with its line', () => {
    expect(parseSpecText('name "w"\njob "a" {\n  command "x"\n  supports_termination true\n}\n', 'kdl')).toEqual({
      name: 'w',
      jobs: [{ name: 'a', command: 'x', supports_termination: true }],
    });
    let err: unknown;
    try {
      parseSpecText('name "w"\njob "a" {\n  command "x\n', 'kdl');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).issues[0]).toMatchObject({
      path: '(file)',
      message: expect.stringMatching(/^kdl: /),
    });
  });

  it('keeps an unknown node, so the schema names it like any unknown key', () => {
    let err: unknown;
    try {
      specToBundle(parseSpecText('name "w"\njob "a" {\n  command "x"\n  depend_on "b"\n}\n', 'kdl'));
    } catch (e) {
      err = e;
    }
    expect((err as ValidationError).issues).toEqual([
      // One issue per unknown key, at its own path (unknown-field-issues.ts), with the suggestion.
      { path: 'jobs[0].depend_on', message: 'unknown field (did you mean "depends_on"?)' },
    ]);
  });
});

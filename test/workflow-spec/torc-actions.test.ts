/**
 * torc's own example specs that use schedulers, actions, slurm_defaults and the workflow-level
 * settings build a bundle. The expected numbers below were derived by reading each spec (the
 * comments say how); the files are read from the shared test data folder, never copied here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import type { WorkflowBundle } from '../../src/core/model.js';
import { loadSpecFile, specToBundle } from '../../src/workflow-spec/index.js';

const DIR = process.env.TORC_EXAMPLES ?? '/work/shared/torc-examples';
const present = existsSync(DIR);

const range = (prefix: string, values: Array<string | number>) => values.map((v) => `${prefix}${v}`);
const DATASETS = ['users', 'transactions', 'products', 'reviews'];

interface Expected {
  /** Job count after expansion, as a check that the right spec was read. */
  jobs: number;
  schedulers: number;
  /** Per action, the names of the jobs it selected (spec order), or undefined when it names none. */
  actions: Array<string[] | undefined>;
  /** Extra checks on the bundle. */
  check?: (b: WorkflowBundle) => void;
}

// workflow_actions_simple: 3 jobs, no schedulers; on_workflow_start and on_workflow_complete run commands.
const simple: Expected = { jobs: 3, schedulers: 0, actions: [undefined, undefined] };
// workflow_actions_data_pipeline: 3 jobs × 4 datasets + aggregate_data + generate_report = 14; the first and
// last actions are workflow triggers; the middle ones select by regex "download_dataset_.*", "validate_.*" and
// "transform_.*" (4 jobs each, dataset order of the parameter list).
const dataPipeline: Expected = {
  jobs: 14,
  schedulers: 0,
  actions: [
    undefined,
    range('download_dataset_', DATASETS),
    range('validate_', DATASETS),
    range('transform_', DATASETS),
    undefined,
  ],
};
// workflow_actions_ml_training: preprocess_data + train_model_1..8 + evaluate = 10; one scheduler (gpu_cluster);
// "train_model_.*" selects the 8 training jobs for schedule_nodes (2 allocations) and for on_jobs_complete.
const mlTraining: Expected = {
  jobs: 10,
  schedulers: 1,
  actions: [
    undefined,
    range('train_model_', [1, 2, 3, 4, 5, 6, 7, 8]),
    range('train_model_', [1, 2, 3, 4, 5, 6, 7, 8]),
    undefined,
  ],
  check: (b) => {
    expect(b.documents.actions![1]).toMatchObject({
      scheduler: 'wf-s1',
      scheduler_type: 'slurm',
      num_allocations: 2,
      start_one_worker_per_node: true,
      max_parallel_jobs: 4,
    });
    expect(b.documents.schedulers![0]).toMatchObject({
      name: 'gpu_cluster',
      nodes: 2,
      walltime_s: 4 * 3600,
      gres: 'gpu:1',
    });
  },
};
// subgraphs_workflow: prep_a, prep_b, work_a_1..5, work_b_1..5, post_a, post_b, final = 15 jobs; 6 schedulers;
// 6 schedule_nodes actions: the first (on_workflow_start) names prep_a and prep_b, then "^work_a_\d+$",
// "^work_b_\d+$" and one job each.
const subgraphs: Expected = {
  jobs: 15,
  schedulers: 6,
  actions: [
    ['prep_a', 'prep_b'],
    range('work_a_', [1, 2, 3, 4, 5]),
    range('work_b_', [1, 2, 3, 4, 5]),
    ['post_a'],
    ['post_b'],
    ['final'],
  ],
  check: (b) => {
    expect(b.documents.actions!.map((a) => a.scheduler)).toEqual([
      'wf-s1',
      'wf-s2',
      'wf-s3',
      'wf-s4',
      'wf-s5',
      'wf-s6',
    ]);
    expect(b.documents.actions!.every((a) => a.num_allocations === 1)).toBe(true);
  },
};
// slurm_staged_pipeline: setup + work_001..010 + postprocess = 12 jobs, 3 schedulers, no actions; every job
// names its scheduler (12 scheduled_by edges); resource_monitor stored on the workflow.
const staged: Expected = {
  jobs: 12,
  schedulers: 3,
  actions: [],
  check: (b) => {
    expect(b.edges.scheduled_by).toHaveLength(12);
    expect(b.workflow.resource_monitor).toMatchObject({ enabled: true, granularity: 'time_series' });
  },
};
// resource_monitoring_demo: 3 jobs; slurm_defaults (account, mail-type, mail-user) and resource_monitor only.
const monitoring: Expected = {
  jobs: 3,
  schedulers: 0,
  actions: [],
  check: (b) =>
    expect(b.workflow.slurm_defaults).toEqual({
      account: 'myproject',
      'mail-type': 'BEGIN,END,FAIL',
      'mail-user': 'user@example.com',
    }),
};
// tests/workflows/*: one Slurm scheduler, one on_workflow_start schedule_nodes action naming it.
const oneAllocation = (jobs: number, walltime_s: number): Expected => ({
  jobs,
  schedulers: 1,
  actions: [undefined],
  check: (b) => {
    expect(b.documents.actions![0]).toMatchObject({ scheduler: 'wf-s1', scheduler_type: 'slurm', num_allocations: 1 });
    expect(b.documents.schedulers![0]!.walltime_s).toBe(walltime_s);
  },
});

const EXPECTED: Record<string, Expected> = {
  'examples/yaml/workflow_actions_simple.yaml': simple,
  'examples/json/workflow_actions_simple.json5': simple,
  // YAML: setup, process1..3, finalize; the second action names process1..3, the third finalize.
  'examples/yaml/workflow_actions_simple_slurm.yaml': {
    jobs: 5,
    schedulers: 3,
    actions: [undefined, ['process1', 'process2', 'process3'], ['finalize']],
    check: (b) => expect(b.documents.actions!.map((a) => a.num_allocations)).toEqual([1, 3, 1]),
  },
  // JSON5: setup, process, finalize; the second action names process, the third finalize.
  'examples/json/workflow_actions_simple_slurm.json5': {
    jobs: 3,
    schedulers: 3,
    actions: [undefined, ['process'], ['finalize']],
    check: (b) =>
      expect(b.documents.actions![1]).toMatchObject({ num_allocations: 2, start_one_worker_per_node: true }),
  },
  'examples/yaml/workflow_actions_data_pipeline.yaml': dataPipeline,
  'examples/json/workflow_actions_data_pipeline.json5': dataPipeline,
  'examples/yaml/workflow_actions_ml_training.yaml': mlTraining,
  'examples/json/workflow_actions_ml_training.json5': mlTraining,
  'examples/subgraphs/subgraphs_workflow.yaml': subgraphs,
  'examples/subgraphs/subgraphs_workflow.json5': subgraphs,
  'examples/yaml/slurm_staged_pipeline.yaml': staged,
  'examples/json/slurm_staged_pipeline.json5': staged,
  'examples/yaml/resource_monitoring_demo.yaml': monitoring,
  'examples/json/resource_monitoring_demo.json5': monitoring,
  // work_{i}, i in 1:10; walltime "01:00:00".
  'tests/workflows/oom_auto_recovery_test/workflow.yaml': oneAllocation(10, 3600),
  // work_1..5 + postprocess; walltime "01:00:00". Its scheduler writes `num_nodes` (torc refuses it; jobgraph
  // keeps unknown Slurm fields as written).
  'tests/workflows/recovery_hook_test/workflow.yaml': oneAllocation(6, 3600),
  // oom_job; walltime "01:00:00"; also resource_monitor.
  'tests/workflows/slurm_oom_test.yaml': oneAllocation(1, 3600),
  // job_fast, job_slow; walltime "00:08:00".
  'tests/workflows/timeout_auto_recovery_test/workflow.yaml': oneAllocation(2, 480),
};

function specFiles(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? specFiles(join(dir, f)) : [join(dir, f)]))
    .filter((f) => /\.(ya?ml|json5?)$/.test(f));
}

function selected(b: WorkflowBundle): Array<string[] | undefined> {
  const byKey = new Map((b.documents.jobs ?? []).map((j) => [j._key, j.name as string]));
  return (b.documents.actions ?? []).map((a) => (a.job_keys as string[] | undefined)?.map((k) => byKey.get(k)!));
}

/** Spec paths and field names this feature owns: a failure there would be ours. */
const OURS =
  /^(actions|slurm_schedulers|local_schedulers|aws_schedulers|slurm_defaults|resource_monitor|compute_node_|jobs_sort_method|use_pending_failed)|"(actions|slurm_defaults|resource_monitor|compute_node_\w+|jobs_sort_method|use_pending_failed)"/;

describe.skipIf(!present)(
  `torc example specs with schedulers and actions (${DIR}${present ? '' : ': absent, skipped'})`,
  () => {
    it.each(Object.entries(EXPECTED))('%s builds', async (file, expected) => {
      const b = specToBundle(await loadSpecFile(join(DIR, file)), { workflowKey: 'wf' });
      expect(b.documents.jobs).toHaveLength(expected.jobs);
      expect(b.documents.schedulers ?? []).toHaveLength(expected.schedulers);
      expect(selected(b)).toEqual(expected.actions);
      for (const a of b.documents.actions ?? []) expect(a._key).toMatch(/^wf-x\d+$/);
      for (const a of b.documents.actions ?? [])
        for (const key of (a.job_keys as string[] | undefined) ?? []) expect(key).toMatch(/^wf-j\d+$/);
      expected.check?.(b);
    });

    it('no other example fails because of a scheduler, an action or a workflow-level setting', async () => {
      const failures: string[] = [];
      for (const path of specFiles(DIR)) {
        const file = relative(DIR, path);
        if (file in EXPECTED) continue;
        try {
          specToBundle(await loadSpecFile(path), { workflowKey: 'wf' });
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          for (const issue of err.issues)
            if (OURS.test(issue.path) || OURS.test(issue.message))
              failures.push(`${file}: ${issue.path}: ${issue.message}`);
        }
      }
      expect(failures).toEqual([]);
    });
  },
);

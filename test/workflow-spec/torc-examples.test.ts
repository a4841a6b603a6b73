/**
 * Every spec torc v0.10 ships (`../shared/torc-examples/`, read in place, never copied here)
 * loads unchanged and builds torc's graph.
 *
 * How the figures were derived (torc's `src/client/workflow_spec.rs`, commit 03cbebb):
 * - jobs/files: `expand_parameters` — each parameterized definition becomes the product (or
 *   zip) of its parameter values; ranges `a:b[:s]` are inclusive (`parameter_expansion.rs`:
 *   `while current <= end`), so `250:400:50` is 4 values and `1:100:25` is 4 (1, 26, 51, 76).
 *   Local parameters win; shared ones only through `use_parameters` (`resolve_parameters`).
 * - user data: one per `user_data` entry, named or not.
 * - explicit `blocks`: `create_jobs` — one edge per `depends_on` name and per job matched by a
 *   `depends_on_regexes` pattern (`Regex::is_match`, unanchored), deduplicated per job.
 * - all dependencies: explicit ones plus, at initialization, producer → consumer of every file
 *   and user-data item, as a set of (blocker, job) pairs.
 * - fan-in definitions (an aggregate that lists the sweep's parameters but uses none in its
 *   name): torc's `JobSpec::expand` emits one copy per combination under the same name; its
 *   docs describe the pattern as one job that waits for all, and jobgraph builds that (issue
 *   10, item 2). The counts below are jobgraph's: torc's job count is higher by (copies − 1)
 *   per such definition, the edge counts are the same. E.g. hyperparameter_sweep: 2 prepare
 *   jobs + 3×3×2 = 18 training jobs + 1 aggregate = 21 (torc: 38); files 2 + 18 models + 18
 *   metrics = 38; blocks 18×2 (training on both prepare jobs) + 18 (aggregate on each) = 54.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WorkflowBundle } from '../../src/core/model.js';
import { blockerPairs, buildSpec, loadSpecFile, specToBundle } from '../../src/workflow-spec/index.js';

const DIR = process.env.TORC_EXAMPLES ?? join(import.meta.dirname, '../../../../shared/torc-examples');
const ROOT = existsSync(DIR) ? DIR : '/work/shared/torc-examples';
const present = existsSync(ROOT);

/** [jobs, files, user data, explicit blocks, all dependency pairs]. */
type Counts = [number, number, number, number, number];

const EXPECTED: Record<string, Counts> = {
  // 4 datasets: 4 download + 4 preprocess + 4×3 analyze + 4 report (fan-in over analysis_type;
  // torc: 12) + 1 executive_summary (fan-in over dataset; torc: 4) = 25; files 4 raw + 4 clean +
  // 12 results = 20; blocks 4 + 12 + 4×3 + 4 = 32.
  'examples/json/data_pipeline_parameterized.json5': [25, 20, 0, 32, 32],
  // 4 jobs, 6 files, no depends_on: the 4 edges come from files (preprocess → work1, work2 → postprocess).
  'examples/json/diamond_workflow.json5': [4, 6, 0, 0, 4],
  // 3 models × 3 scenarios = 9 simulations + 1 fan-in aggregate (torc: 9 copies) = 10; 9 blocks.
  'examples/json/failure_handler_simulation.json': [10, 0, 0, 9, 9],
  'examples/json/hundred_jobs_parameterized.json5': [100, 0, 0, 0, 0],
  'examples/json/hundred_jobs_workflow.json5': [100, 0, 0, 0, 0],
  'examples/json/hyperparameter_sweep.json5': [21, 38, 0, 54, 54],
  'examples/json/hyperparameter_sweep_shared_params.json5': [21, 38, 0, 54, 54],
  // 1 + 1000 + 1 + 1000 + 1 + 100 + 1 jobs; barriers: 1000 + 1000 + 1000 + 100 + 100 + 1.
  'examples/json/multi_stage_barrier_pattern.json5': [2104, 0, 0, 3201, 3201],
  'examples/json/resource_monitoring_demo.json5': [3, 0, 0, 0, 0],
  // 3 jobs, 5 files, 3 user data (is_ephemeral accepted); 2 depends_on.
  'examples/json/sample_workflow.json': [3, 5, 3, 2, 2],
  'examples/json/sample_workflow.json5': [3, 5, 3, 2, 2],
  // generate_config + 4 temps × 4 pressures simulate + 16 analyze + 1 fan-in phase diagram = 34 (torc: 49).
  'examples/json/simulation_sweep.json5': [34, 49, 0, 48, 48],
  'examples/json/slurm_staged_pipeline.json5': [12, 21, 0, 20, 20],
  // 4 datasets × 3 stages + aggregate + report = 14.
  'examples/json/workflow_actions_data_pipeline.json5': [14, 0, 0, 13, 13],
  // preprocess + 8 training + evaluate = 10; 8 + 8 depends_on.
  'examples/json/workflow_actions_ml_training.json5': [10, 0, 0, 16, 16],
  'examples/json/workflow_actions_simple.json5': [3, 0, 0, 2, 2],
  'examples/json/workflow_actions_simple_slurm.json5': [3, 0, 0, 2, 2],
  // zip: 3 (dataset, model) pairs × 2 job definitions = 6; 3 files; 3 depends_on.
  'examples/json/zip_parameter_mode.json5': [6, 3, 0, 3, 3],
  // 15 jobs, 17 files, dependencies from files only.
  'examples/subgraphs/subgraphs_workflow.json5': [15, 17, 0, 0, 22],
  'examples/subgraphs/subgraphs_workflow.yaml': [15, 17, 0, 0, 22],
  'examples/subgraphs/subgraphs_workflow_no_slurm.json5': [15, 17, 0, 0, 22],
  'examples/subgraphs/subgraphs_workflow_no_slurm.yaml': [15, 17, 0, 0, 22],
  'examples/yaml/data_pipeline_parameterized.yaml': [25, 20, 0, 32, 32],
  'examples/yaml/diamond_workflow.yaml': [4, 6, 0, 0, 4],
  'examples/yaml/failure_handler_demo.yaml': [4, 0, 0, 4, 4],
  'examples/yaml/failure_handler_simulation.yaml': [10, 0, 0, 9, 9],
  'examples/yaml/hundred_jobs_parameterized.yaml': [100, 0, 0, 0, 0],
  'examples/yaml/hyperparameter_sweep.yaml': [21, 38, 0, 54, 54],
  'examples/yaml/hyperparameter_sweep_shared_params.yaml': [21, 38, 0, 54, 54],
  'examples/yaml/multi_stage_barrier_pattern.yaml': [2104, 0, 0, 3201, 3201],
  'examples/yaml/resource_monitoring_demo.yaml': [3, 0, 0, 0, 0],
  'examples/yaml/sample_workflow.yaml': [3, 5, 3, 2, 2],
  'examples/yaml/simple_retry.yaml': [2, 0, 0, 1, 1],
  'examples/yaml/simulation_sweep.yaml': [34, 49, 0, 48, 48],
  'examples/yaml/slurm_staged_pipeline.yaml': [12, 21, 0, 20, 20],
  'examples/yaml/workflow_actions_data_pipeline.yaml': [14, 0, 0, 13, 13],
  'examples/yaml/workflow_actions_ml_training.yaml': [10, 0, 0, 16, 16],
  'examples/yaml/workflow_actions_simple.yaml': [3, 0, 0, 2, 2],
  // The YAML version has 2 more jobs than its JSON5 twin (torc's files differ).
  'examples/yaml/workflow_actions_simple_slurm.yaml': [5, 0, 0, 6, 6],
  // 4 zipped pairs × 2 definitions = 8; the YAML version also has 6 files (JSON5: 3).
  'examples/yaml/zip_parameter_mode.yaml': [8, 6, 0, 9, 9],
  // 5 × 1000 workers + 5 barriers; each barrier waits for 1000, each next stage for its barrier.
  'tests/workflows/database_contention_test/workflow.yaml': [5005, 0, 0, 9000, 9000],
  'tests/workflows/oom_auto_recovery_test/workflow.yaml': [10, 0, 0, 0, 0],
  'tests/workflows/recovery_hook_test/workflow.yaml': [6, 0, 0, 5, 5],
  'tests/workflows/slurm_oom_test.yaml': [1, 0, 0, 0, 0],
  'tests/workflows/timeout_auto_recovery_test/workflow.yaml': [2, 0, 0, 0, 0],
};

/** KDL files whose YAML/JSON twin describes the same workflow: the graphs must be equal. */
const KDL_TWINS: Record<string, string> = {
  'examples/kdl/diamond_workflow.kdl': 'examples/yaml/diamond_workflow.yaml',
  'examples/kdl/failure_handler_simulation.kdl': 'examples/yaml/failure_handler_simulation.yaml',
  'examples/kdl/hyperparameter_sweep.kdl': 'examples/yaml/hyperparameter_sweep.yaml',
  'examples/kdl/hyperparameter_sweep_shared_params.kdl': 'examples/yaml/hyperparameter_sweep_shared_params.yaml',
  'examples/kdl/resource_monitoring_demo.kdl': 'examples/yaml/resource_monitoring_demo.yaml',
  'examples/kdl/sample_workflow.kdl': 'examples/yaml/sample_workflow.yaml',
  'examples/kdl/workflow_actions_simple.kdl': 'examples/yaml/workflow_actions_simple.yaml',
  'examples/kdl/workflow_actions_simple_slurm.kdl': 'examples/json/workflow_actions_simple_slurm.json5',
  'examples/kdl/zip_parameter_mode.kdl': 'examples/json/zip_parameter_mode.json5',
  'examples/subgraphs/subgraphs_workflow.kdl': 'examples/subgraphs/subgraphs_workflow.yaml',
  'examples/subgraphs/subgraphs_workflow_no_slurm.kdl': 'examples/subgraphs/subgraphs_workflow_no_slurm.yaml',
};

/**
 * KDL files that are their own workflow: no twin (mixed_workload, simple_slurm) or a simplified
 * version of it (their comments say so; hundred_jobs adds a postprocess job waiting for all 100).
 */
const KDL_OWN: Record<string, Counts> = {
  'examples/kdl/hundred_jobs_parameterized.kdl': [101, 0, 0, 100, 100],
  // 100 short + 20 long jobs + postprocess with `depends_on_regexes "short_job_\\d+" "long_job_\\d+"`:
  // torc's KDL reader keeps only the first argument of that node (100 edges, a torc bug that
  // drops the long jobs); jobgraph takes every argument: 120.
  'examples/kdl/mixed_workload.kdl': [121, 0, 0, 120, 120],
  'examples/kdl/simple_slurm.kdl': [3, 0, 0, 2, 2],
  'examples/kdl/slurm_staged_pipeline.kdl': [5, 7, 0, 6, 6],
  'examples/kdl/workflow_actions_data_pipeline.kdl': [3, 0, 0, 2, 2],
  'examples/kdl/workflow_actions_ml_training.kdl': [5, 0, 0, 6, 6],
};

/**
 * The warnings each example gets for fields jobgraph accepts but does not act on yet
 * (unsupported-field-warnings.ts); every other file gets none. Read from the files: the
 * sample_workflow twins set `supports_termination: true` on jobs 0 and 1 and
 * `is_ephemeral: true` on user data 0 (the `false` ones ask for nothing); slurm_staged_pipeline's
 * `resource_monitor` lists `metrics` (jobgraph samples a fixed set) beside keys it does read
 * (`generate_plots: false` asks for nothing). No example sets `use_pending_failed`,
 * `jobs_sort_method`, the two stored-only `compute_node_*` settings or worker-trigger actions.
 */
const SAMPLE_WARNINGS = [
  'jobs[0,1].supports_termination: accepted, not acted on yet',
  'user_data[0].is_ephemeral: accepted, not acted on yet',
];
const MONITOR_WARNINGS = ['resource_monitor.metrics: accepted, not acted on yet'];
const WARNINGS: Record<string, string[]> = {
  'examples/json/sample_workflow.json': SAMPLE_WARNINGS,
  'examples/json/sample_workflow.json5': SAMPLE_WARNINGS,
  'examples/kdl/sample_workflow.kdl': SAMPLE_WARNINGS,
  'examples/yaml/sample_workflow.yaml': SAMPLE_WARNINGS,
  'examples/json/slurm_staged_pipeline.json5': MONITOR_WARNINGS,
  'examples/yaml/slurm_staged_pipeline.yaml': MONITOR_WARNINGS,
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const build = async (file: string) => specToBundle(await loadSpecFile(join(ROOT, file)), { workflowKey: 'wf' });

function counts(b: WorkflowBundle): Counts {
  const dependencies = [...blockerPairs(b).values()].reduce((sum, set) => sum + set.size, 0);
  const n = (k: 'jobs' | 'files' | 'user_data') => b.documents[k]?.length ?? 0;
  return [n('jobs'), n('files'), n('user_data'), b.edges.blocks?.length ?? 0, dependencies];
}

/** The graph by names: jobs, files (with paths), user data, and every relation edge. */
function graph(b: WorkflowBundle) {
  const name = new Map<string, string>();
  for (const docs of Object.values(b.documents)) for (const d of docs ?? []) name.set(d._id, String(d.name));
  const docs = (['jobs', 'files', 'user_data'] as const).flatMap((k) =>
    (b.documents[k] ?? []).map((d) => `${k}:${String(d.name)}:${String(d.path ?? '')}`),
  );
  const edges = (['blocks', 'needs', 'produces', 'consumes', 'stores'] as const).flatMap((k) =>
    (b.edges[k] ?? []).map((e) => `${k}:${name.get(e._from)}->${name.get(e._to)}`),
  );
  return { docs: docs.sort(), edges: edges.sort() };
}

describe.skipIf(!present)(`torc's example specs (${ROOT})`, () => {
  const files = present ? walk(ROOT).filter((f) => /\.(ya?ml|json5?|kdl)$/.test(f)) : [];

  it('are all accounted for here: 45 YAML/JSON/JSON5 and 17 KDL', () => {
    const names = files.map((f) => relative(ROOT, f)).sort();
    expect(names.filter((f) => !f.endsWith('.kdl'))).toEqual(Object.keys(EXPECTED).sort());
    expect(names.filter((f) => f.endsWith('.kdl'))).toEqual(
      [...Object.keys(KDL_TWINS), ...Object.keys(KDL_OWN)].sort(),
    );
  });

  it.each(Object.entries(EXPECTED))('%s builds torc’s graph', async (file, expected) => {
    expect(counts(await build(file))).toEqual(expected);
  });

  it.each(Object.entries(KDL_TWINS))('%s builds the same graph as %s', async (kdl, twin) => {
    const [a, b] = [await build(kdl), await build(twin)];
    expect(graph(a)).toEqual(graph(b));
    expect(a.documents.actions?.length ?? 0).toBe(b.documents.actions?.length ?? 0);
    expect(a.workflow.name).toBe(b.workflow.name);
  });

  it.each(Object.entries(KDL_OWN))('%s builds its own graph', async (file, expected) => {
    expect(counts(await build(file))).toEqual(expected);
  });

  it('name the fields jobgraph accepts but ignores as warnings, never refusing the spec', async () => {
    const got: Record<string, string[]> = {};
    for (const file of files) {
      const { bundle, warnings } = buildSpec(await loadSpecFile(file), { workflowKey: 'wf' });
      expect(bundle.documents.jobs?.length, file).toBeGreaterThan(0);
      if (warnings.length) got[relative(ROOT, file)] = warnings;
    }
    expect(got).toEqual(WARNINGS);
  });
});

describe.runIf(!present)("torc's example specs", () => {
  it.skip(`skipped: ${basename(DIR)} not found (set TORC_EXAMPLES to torc's examples folder)`, () => {});
});

/**
 * Workflow specs for `POST /api/v1/workflows` that must be refused: a valid spec using every
 * kind of field (BASE_SPEC), each field of it given values of the wrong kind
 * (SPEC_MUTATIONS), and hostile specs — expansions to billions of jobs, regexes that
 * backtrack, numbers that overflow, NUL characters, deep nesting (HOSTILE_SPECS).
 */

/** A valid spec touching every list and field kind; the generator's mutations start from it. */
export const BASE_SPEC = {
  name: 'hostile-base',
  user: 'u',
  description: 'd',
  parameters: { p: '1:2' },
  jobs: [
    {
      name: 'a_{i}',
      command: 'echo {i} > ${files.output.f_{i}}',
      invocation_script: 'bash',
      parameters: { i: '1:2' },
      parameter_mode: 'product',
      resource_requirements: 'small',
      failure_handler: 'fh',
      scheduler: 'loc',
      cancel_on_blocking_job_failure: false,
      supports_termination: true,
    },
    {
      name: 'b',
      command: 'cat out/*',
      depends_on: ['a_1'],
      depends_on_regexes: ['a_.*'],
      input_files: ['f_1'],
      input_files_regexes: ['f_\\d'],
      input_user_data: ['u'],
      output_user_data: ['v'],
    },
    { name: 'c_{p}', command: 'true', use_parameters: ['p'] },
  ],
  files: [{ name: 'f_{i}', path: 'out/f_{i}.txt', parameters: { i: '1:2' } }],
  user_data: [{ name: 'u', data: { k: [1, 2] } }, { name: 'v' }],
  resource_requirements: [{ name: 'small', num_cpus: 1, memory: '512m', num_gpus: 0, num_nodes: 1, runtime: 'PT10M' }],
  failure_handlers: [
    {
      name: 'fh',
      rules: [{ exit_codes: [3], match_all_exit_codes: false, recovery_script: 'fix.sh', max_retries: 2 }],
    },
  ],
  slurm_schedulers: [
    { name: 'sl', account: 'acct', partition: 'p', nodes: 1, walltime: '01:00:00', max_allocations: 2 },
  ],
  local_schedulers: [{ name: 'loc', num_cpus: 1, memory: '1g', nodes: 1, walltime: 'PT1H' }],
  aws_schedulers: [{ name: 'aw', region: 'us-west-2', instance_types: ['c7i.large'], market: 'spot', max_price: 0.5 }],
  actions: [
    { trigger_type: 'on_workflow_start', action_type: 'run_commands', commands: ['echo start'] },
    { trigger_type: 'on_jobs_ready', action_type: 'schedule_nodes', scheduler: 'sl', job_name_regexes: ['^a_'] },
  ],
  compute_node_expiration_buffer_seconds: 60,
  use_pending_failed: false,
};

type Kind = 'name' | 'text' | 'bool' | 'posint' | 'count' | 'number' | 'names' | 'regexes' | 'params' | 'size' | 'time';

/** Fields of BASE_SPEC and what they hold. */
const FIELDS: Array<[string, Kind]> = [
  ['name', 'name'],
  ['user', 'text'],
  ['description', 'text'],
  ['parameters', 'params'],
  ['jobs[0].name', 'name'],
  ['jobs[0].command', 'text'],
  ['jobs[0].invocation_script', 'text'],
  ['jobs[0].parameters', 'params'],
  ['jobs[0].parameter_mode', 'name'],
  ['jobs[0].resource_requirements', 'name'],
  ['jobs[0].failure_handler', 'name'],
  ['jobs[0].scheduler', 'name'],
  ['jobs[0].cancel_on_blocking_job_failure', 'bool'],
  ['jobs[0].supports_termination', 'bool'],
  ['jobs[1].depends_on', 'names'],
  ['jobs[1].depends_on_regexes', 'regexes'],
  ['jobs[1].input_files', 'names'],
  ['jobs[1].input_files_regexes', 'regexes'],
  ['jobs[1].input_user_data', 'names'],
  ['jobs[1].output_user_data', 'names'],
  ['jobs[2].use_parameters', 'names'],
  ['files[0].name', 'name'],
  ['files[0].path', 'name'],
  ['files[0].parameters', 'params'],
  ['user_data[0].name', 'name'],
  ['resource_requirements[0].name', 'name'],
  ['resource_requirements[0].num_cpus', 'posint'],
  ['resource_requirements[0].memory', 'size'],
  ['resource_requirements[0].num_gpus', 'count'],
  ['resource_requirements[0].num_nodes', 'posint'],
  ['resource_requirements[0].runtime', 'time'],
  ['failure_handlers[0].name', 'name'],
  ['failure_handlers[0].rules[0].match_all_exit_codes', 'bool'],
  ['failure_handlers[0].rules[0].max_retries', 'count'],
  ['slurm_schedulers[0].name', 'name'],
  ['slurm_schedulers[0].nodes', 'posint'],
  ['slurm_schedulers[0].walltime', 'time'],
  ['slurm_schedulers[0].max_allocations', 'posint'],
  ['local_schedulers[0].num_cpus', 'posint'],
  ['local_schedulers[0].memory', 'size'],
  ['local_schedulers[0].walltime', 'time'],
  ['aws_schedulers[0].instance_types', 'names'],
  ['aws_schedulers[0].max_price', 'number'],
  ['aws_schedulers[0].market', 'name'],
  ['actions[0].trigger_type', 'name'],
  ['actions[0].commands', 'names'],
  ['actions[1].scheduler', 'name'],
  ['actions[1].job_name_regexes', 'regexes'],
  ['compute_node_expiration_buffer_seconds', 'number'],
  ['use_pending_failed', 'bool'],
];

const huge = '1' + '0'.repeat(400);

/** Values a field of `kind` must refuse. (`null` means absent for optional spec fields, so it is not one.) */
const WRONG: Record<Kind, unknown[]> = {
  name: [7, true, ['x'], { x: 1 }, '', 'has\u0000nul'],
  text: [7, false, ['x'], { x: 1 }, 'has\u0000nul'],
  bool: ['yes', 1, ['x'], { x: 1 }],
  posint: [0, -1, 1.5, '2', true, 2 ** 60, { x: 1 }],
  count: [-1, 1.5, '2', [1]],
  number: [-1, '2', true, { x: 1 }],
  names: ['x', [7], [''], { x: 1 }, 7, ['a\u0000']],
  regexes: ['x', [7], ['('], ['(a)\\1'], ['(?=a)a'], ['a{1,1000}'], ['x'.repeat(1001)], { x: 1 }],
  params: [[], 'x', { 'a-b': '1:2' }, { i: {} }, { i: [] }, { i: '1:0' }, { i: '1:5:0' }, { i: `1:${huge}` }],
  size: ['lots', true, [1], `${huge}g`, -1, '9000t', '1.2.3g'],
  time: ['soon', true, [1], `${huge}h`, -5, 'PT'],
};

/** `BASE_SPEC` with `value` at `path` (`jobs[0].name`). */
function mutate(path: string, value: unknown): unknown {
  const spec = structuredClone(BASE_SPEC) as Record<string, unknown>;
  const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let at: Record<string, unknown> = spec;
  for (const part of parts.slice(0, -1)) at = at[part] as Record<string, unknown>;
  at[parts[parts.length - 1]!] = value;
  return spec;
}

/** Each field of BASE_SPEC with each value it must refuse, and each required field left out. */
export const SPEC_MUTATIONS: Array<[string, unknown]> = [
  ...FIELDS.flatMap(([path, kind]) =>
    WRONG[kind].map((value): [string, unknown] => [
      `${path} = ${JSON.stringify(value).slice(0, 40)}`,
      mutate(path, value),
    ]),
  ),
  ...['name', 'jobs[0].name', 'jobs[0].command', 'files[0].path', 'failure_handlers[0].rules'].map(
    (path): [string, unknown] => [`without ${path}`, mutate(path, undefined)],
  ),
  ...['jobs', 'files', 'user_data', 'resource_requirements', 'actions'].flatMap((list) =>
    [{ x: 1 }, 'x', [7], [null]].map((value): [string, unknown] => [
      `${list} = ${JSON.stringify(value)}`,
      mutate(list, value),
    ]),
  ),
  ['an unknown top-level key', { ...BASE_SPEC, jbos: [] }],
  ['an unknown job key', mutate('jobs[1].depend_on', ['a_1'])],
  ['an unknown AWS field', mutate('aws_schedulers[0].regoin', 'x')],
];

const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: 'true', ...extra });

/** Specs that used to hold the API for minutes, exhaust its memory, or slip through. */
export const HOSTILE_SPECS: Array<[string, unknown]> = [
  ['a billion-job sweep', { name: 'h', jobs: [job('j{i}', { parameters: { i: '1:1000000000' } })] }],
  ['1:100000 × 1:100000', { name: 'h', jobs: [job('j{i}_{k}', { parameters: { i: '1:100000', k: '1:100000' } })] }],
  ['1:3000 × 1:3000', { name: 'h', jobs: [job('j{i}_{k}', { parameters: { i: '1:3000', k: '1:3000' } })] }],
  [
    '1:100 ^ 5',
    {
      name: 'h',
      jobs: [job('j{a}{b}{c}{d}{e}', { parameters: Object.fromEntries('abcde'.split('').map((p) => [p, '1:100'])) })],
    },
  ],
  [
    'two sweeps of 600,000 jobs',
    {
      name: 'h',
      jobs: [job('a{i}', { parameters: { i: '1:600000' } }), job('b{i}', { parameters: { i: '1:600000' } })],
    },
  ],
  [
    'a sweep of 2,000,000 files',
    { name: 'h', files: [{ name: 'f{i}', path: 'f{i}', parameters: { i: '1:2000000' } }] },
  ],
  [
    'a zip of 2,000,000',
    { name: 'h', jobs: [job('z{a}{b}', { parameters: { a: '1:2000000', b: '1:2000000' }, parameter_mode: 'zip' })] },
  ],
  [
    'shared parameters to a billion',
    { name: 'h', parameters: { i: '1:1000000', k: '1:1000' }, jobs: [job('j{i}_{k}', { use_parameters: ['i', 'k'] })] },
  ],
  ['a float range of 1e9 steps', { name: 'h', jobs: [job('j{x}', { parameters: { x: '0:1:0.000000001' } })] }],
  ['a range to 1e400', { name: 'h', jobs: [job('j{i}', { parameters: { i: `1:${huge}` } })] }],
  [
    'a million-job sweep with an undefined dependency',
    { name: 'h', jobs: [job('j{i}', { parameters: { i: '1:1000000' }, depends_on: ['ghost'] })] },
  ],
  [
    'a million-job sweep with an undefined input file',
    { name: 'h', jobs: [job('j{i}', { parameters: { i: '1:1000000' }, input_files: ['ghost'] })] },
  ],
  [
    'a million-job sweep with undefined requirements',
    { name: 'h', jobs: [job('j{i}', { parameters: { i: '1:1000000' }, resource_requirements: 'ghost' })] },
  ],
  [
    'a million-job sweep naming an undefined file in its command',
    { name: 'h', jobs: [job('j{i}', { parameters: { i: '1:1000000' }, command: 'cat ${files.input.ghost}' })] },
  ],
  [
    '(a+)+$ against a 31-character name',
    { name: 'h', jobs: [job(`${'a'.repeat(30)}!`), job('b', { depends_on_regexes: ['(a+)+$'] })] },
  ],
  [
    // Anchored at both ends here and below: regexes search anywhere in a name (torc's
    // is_match), and unanchored these match part of the long name.
    '^(a|a)*$ against a long name',
    { name: 'h', jobs: [job(`${'a'.repeat(40)}!`), job('b', { depends_on_regexes: ['^(a|a)*$'] })] },
  ],
  [
    '^(.*a){16}$ against a long name',
    { name: 'h', jobs: [job(`${'a'.repeat(40)}!`), job('b', { depends_on_regexes: ['^(.*a){16}$'] })] },
  ],
  [
    '(.*a){20}: a count too large for linear time',
    { name: 'h', jobs: [job('a'.repeat(40)), job('b', { depends_on_regexes: ['(.*a){20}'] })] },
  ],
  [
    'a catastrophic action selector',
    {
      name: 'h',
      jobs: [job(`${'a'.repeat(30)}!`)],
      actions: [
        { trigger_type: 'on_jobs_ready', action_type: 'run_commands', commands: ['x'], job_name_regexes: ['^(a+)+$'] },
      ],
    },
  ],
  [
    'a regex per job of a 20,000 × 20,000 sweep',
    {
      name: 'h',
      jobs: [
        job('a{i}', { parameters: { i: '1:20000' } }),
        job('b{i}', { parameters: { i: '1:20000' }, depends_on_regexes: ['a{i}.*'] }),
      ],
    },
  ],
  [
    'one regex making 900,000,000 edges',
    {
      name: 'h',
      jobs: [
        job('a{i}', { parameters: { i: '1:30000' } }),
        job('b{i}', { parameters: { i: '1:30000' }, depends_on_regexes: ['a.*'] }),
      ],
    },
  ],
  ['a memory size of 1e400', { name: 'h', resource_requirements: [{ name: 'r', memory: `${huge}g` }] }],
  ['a runtime of 1e400 hours', { name: 'h', resource_requirements: [{ name: 'r', runtime: `${huge}h` }] }],
  ['a memory size of 1e400 bytes as a number', `{"name":"h","resource_requirements":[{"name":"r","memory":1e400}]}`],
  ['a CPU count of 1e400', `{"name":"h","resource_requirements":[{"name":"r","num_cpus":1e400}]}`],
  ['a walltime of 1e400 days', { name: 'h', slurm_schedulers: [{ name: 's', walltime: `${huge}-00:00:00` }] }],
  ['a NUL in a job name', { name: 'h', jobs: [job('a\u0000b')] }],
  ['a NUL in a command', { name: 'h', jobs: [job('a', { command: 'echo \u0000' })] }],
  ['a NUL in a file path', { name: 'h', files: [{ name: 'f', path: 'a\u0000' }] }],
  ['a NUL in a parameter value', { name: 'h', jobs: [job('j{v}', { parameters: { v: ['a\u0000'] } })] }],
  ['a NUL in a Slurm option', { name: 'h', slurm_schedulers: [{ name: 's', partition: 'p\u0000' }] }],
  ['a NUL in a key', { name: 'h', slurm_schedulers: [{ name: 's', 'ex\u0000tra': 'x' }] }],
  [
    'user data nested 1,500 deep',
    `{"name":"h","user_data":[{"name":"u","data":${'{"a":'.repeat(1500)}1${'}'.repeat(1500)}}]}`,
  ],
  ['a list nested 10,000 deep', `{"name":"h","jobs":${'['.repeat(10_000)}${']'.repeat(10_000)}}`],
  ['__proto__ at the top', '{"__proto__": {"jobs": []}, "name": "h"}'],
  ['__proto__ in a job', '{"name": "h", "jobs": [{"name": "a", "command": "x", "__proto__": {"depends_on": ["z"]}}]}'],
  ['a million wrong jobs', `{"name":"h","jobs":[${'1,'.repeat(1_000_000)}1]}`],
  [
    'a million wrong dependencies',
    `{"name":"h","jobs":[{"name":"a","command":"x","depends_on":[${'1,'.repeat(1_000_000)}1]}]}`,
  ],
  [
    'a million wrong parameter values',
    `{"name":"h","jobs":[{"name":"a{i}","command":"x","parameters":{"i":[${'{},'.repeat(1_000_000)}{}]}}]}`,
  ],
  [
    '100,000 bad parameter names',
    {
      name: 'h',
      jobs: [job('a', { parameters: Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`-${i}`, {}])) })],
    },
  ],
  [
    '100,000 unknown keys',
    { name: 'h', ...Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, 1])) },
  ],
  [
    'unclosed file references (quadratic to scan) and an undefined dependency',
    { name: 'h', jobs: [job('a', { command: '${files.input.'.repeat(100_000), depends_on: ['ghost'] })] },
  ],
  [
    'a memory size padded with 100,000 spaces',
    { name: 'h', resource_requirements: [{ name: 'r', memory: `1${' '.repeat(100_000)}!` }] },
  ],
  [
    'a 5 MB job name with a dangling reference',
    { name: 'h', jobs: [job('x'.repeat(5_000_000), { depends_on: ['ghost'] })] },
  ],
  ['a dependency cycle', { name: 'h', jobs: [job('a', { depends_on: ['b'] }), job('b', { depends_on: ['a'] })] }],
  [
    'a cycle through files',
    {
      name: 'h',
      files: [
        { name: 'f', path: 'f' },
        { name: 'g', path: 'g' },
      ],
      jobs: [
        job('a', { input_files: ['f'], output_files: ['g'] }),
        job('b', { input_files: ['g'], output_files: ['f'] }),
      ],
    },
  ],
  // Strings past their caps (string-limits.ts): names 256 characters, commands and paths 64 KiB.
  ['a 257-character job name', { name: 'h', jobs: [job('j'.repeat(257))] }],
  ['a 257-character workflow name', { name: 'w'.repeat(257) }],
  ['a command of 64 KiB + 1', { name: 'h', jobs: [job('a', { command: 'x'.repeat(65_537) })] }],
  ['a file path of 64 KiB + 1', { name: 'h', files: [{ name: 'f', path: 'p'.repeat(65_537) }] }],
  ['a 257-character resource requirements name', { name: 'h', resource_requirements: [{ name: 'r'.repeat(257) }] }],
  ['a description of 64 KiB + 1', { name: 'h', description: 'd'.repeat(65_537) }],
  [
    'a 2 MiB scheduler setting',
    { name: 'h', slurm_schedulers: [{ name: 's', account: 'a', partition: 'p'.repeat(2 ** 21) }] },
  ],
];

/**
 * Malformed and hostile spec files given to the real `jobgraph run`: each exits non-zero and
 * prints, under one `error:` line, one line per problem that starts with its path — no stack
 * trace, no run-on line — and leaves no process behind. The specs are generated here.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesIn, runCli, type CliResult } from './support/cli.js';

interface MalformedSpec {
  /** What is wrong, for the test's name. */
  what: string;
  /** File name (the extension picks the parser). */
  file: string;
  content: string | Buffer;
  /** A problem line the output must hold: its path, and what its message says. */
  path: string;
  message: RegExp;
  /** More problems the output must list, each on its own line. */
  more?: Array<[string, RegExp]>;
}

const job = (name: string, extra: Record<string, unknown> = {}) => ({ name, command: 'true', ...extra });
const json = (spec: unknown) => JSON.stringify(spec, null, 1);
const huge = '1' + '0'.repeat(400);

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = { a: value };
  return value;
}

const SPECS: MalformedSpec[] = [
  { what: 'an empty file', file: 'empty.yaml', content: '', path: '(root)', message: /the spec is empty/ },
  { what: 'a list, not a mapping', file: 'list.yaml', content: '- a\n- b\n', path: '(root)', message: /mapping/ },
  { what: 'a bare scalar', file: 'scalar.yaml', content: 'hello\n', path: '(root)', message: /mapping/ },
  {
    what: 'a YAML syntax error',
    file: 'syntax.yaml',
    content: 'name: x\njobs: [a, b\n',
    path: '(file)',
    message: /yaml/,
  },
  { what: 'a JSON syntax error', file: 'syntax.json', content: '{"name": "x",}', path: '(file)', message: /json/ },
  {
    what: 'a JSON5 syntax error',
    file: 'syntax.json5',
    content: '{name: "x" jobs: []}',
    path: '(file)',
    message: /json5/,
  },
  {
    what: 'two YAML documents',
    file: 'two.yaml',
    content: 'name: a\n---\nname: b\n',
    path: '(file)',
    message: /more than one YAML document/,
  },
  // Issue 11 item 9: an absent required field reads `required`; an unknown key is named on its own path.
  { what: 'no name', file: 'noname.json', content: json({ jobs: [] }), path: 'name', message: /^required$/ },
  {
    what: 'a numeric name',
    file: 'numname.json',
    content: json({ name: 7 }),
    path: 'name',
    message: /expected string/,
  },
  {
    what: 'a misspelled top-level key',
    file: 'typo.json',
    content: json({ name: 'w', jbos: [] }),
    path: 'jbos',
    message: /^unknown field \(did you mean "jobs"\?\)$/,
  },
  {
    what: 'jobs as a mapping',
    file: 'jobsmap.json',
    content: json({ name: 'w', jobs: { a: 1 } }),
    path: 'jobs',
    message: /expected array/,
  },
  {
    what: 'a job without command, another with a bad flag',
    file: 'nocommand.json',
    content: json({ name: 'w', jobs: [{ name: 'a' }, job('b', { supports_termination: 'yes' })] }),
    path: 'jobs[0].command',
    message: /^required$/,
    more: [['jobs[1].supports_termination', /expected boolean/]],
  },
  {
    what: 'an unknown job key',
    file: 'jobkey.json',
    content: json({ name: 'w', jobs: [job('a', { depend_on: ['b'] })] }),
    path: 'jobs[0].depend_on',
    message: /^unknown field \(did you mean "depends_on"\?\)$/,
  },
  {
    what: 'an undefined dependency',
    file: 'dangling.json',
    content: json({ name: 'w', jobs: [job('a', { depends_on: ['ghost'] })] }),
    path: 'jobs[0].depends_on[0]',
    message: /no job named "ghost"/,
  },
  {
    what: 'a million-job sweep with an undefined dependency',
    file: 'sweep-dangling.json',
    content: json({ name: 'w', jobs: [job('j{i}', { parameters: { i: '1:1000000' }, depends_on: ['ghost'] })] }),
    path: 'jobs[0].depends_on[0]',
    message: /no job named "ghost"/,
  },
  {
    what: 'a 3000 × 3000 sweep',
    file: 'sweep-product.json',
    content: json({ name: 'w', jobs: [job('j{i}_{k}', { parameters: { i: '1:3000', k: '1:3000' } })] }),
    path: 'jobs[0].parameters',
    message: /9,000,000 jobs \(i: 3,000 × k: 3,000\).*JOBGRAPH_MAX_JOBS/,
  },
  {
    what: 'a sweep to a billion',
    file: 'sweep-billion.json',
    content: json({ name: 'w', jobs: [job('j{i}', { parameters: { i: '1:1000000000' } })] }),
    path: 'jobs[0].parameters.i',
    message: /1000000000 values/,
  },
  {
    what: 'a range bound of 1e400',
    file: 'sweep-overflow.json',
    content: json({ name: 'w', jobs: [job('j{i}', { parameters: { i: `1:${huge}` } })] }),
    path: 'jobs[0].parameters.i',
    message: /beyond/,
  },
  {
    what: 'a range with a step of 0',
    file: 'step0.yaml',
    content: 'name: w\njobs:\n  - {name: "j{i}", command: x, parameters: {i: "1:10:0"}}\n',
    path: 'jobs[0].parameters.i',
    message: /step of 0/,
  },
  {
    what: 'an empty range',
    file: 'emptyrange.yaml',
    content: 'name: w\njobs:\n  - {name: "j{i}", command: x, parameters: {i: "5:1"}}\n',
    path: 'jobs[0].parameters.i',
    message: /is empty/,
  },
  {
    what: 'a placeholder naming no parameter',
    file: 'placeholder.json',
    content: json({ name: 'w', jobs: [job('j{i}', { command: 'echo {k}', parameters: { i: '1:2' } })] }),
    path: 'jobs[0].command',
    message: /\{k\} names no parameter/,
  },
  {
    what: 'zip of unequal lengths',
    file: 'zip.json',
    content: json({
      name: 'w',
      jobs: [job('z{a}{b}', { parameters: { a: '1:3', b: '1:2' }, parameter_mode: 'zip' })],
    }),
    path: 'jobs[0].parameters',
    message: /equal length/,
  },
  {
    what: 'an unknown shared parameter',
    file: 'useparams.json',
    content: json({ name: 'w', jobs: [job('j{i}', { use_parameters: ['i'] })] }),
    path: 'jobs[0].use_parameters[0]',
    message: /no workflow-level parameter named "i"/,
  },
  {
    what: 'a parameter name that is not an identifier',
    file: 'paramname.json',
    content: json({ name: 'w', jobs: [job('j', { parameters: { 'a-b': '1:2' } })] }),
    path: 'jobs[0].parameters.a-b',
    message: /identifiers/,
  },
  {
    what: 'an invalid regex',
    file: 'regex.json',
    content: json({ name: 'w', jobs: [job('a'), job('b', { depends_on_regexes: ['(a'] })] }),
    path: 'jobs[1].depends_on_regexes[0]',
    message: /invalid regex/,
  },
  {
    what: 'a catastrophic regex against a long name',
    file: 'regex-redos.json',
    content: json({ name: 'w', jobs: [job(`${'a'.repeat(30)}!`), job('b', { depends_on_regexes: ['(a+)+$'] })] }),
    path: 'jobs[1].depends_on_regexes[0]',
    message: /matches no job/,
  },
  {
    what: 'a regex with a backreference',
    file: 'regex-backref.json',
    content: json({ name: 'w', jobs: [job('aa'), job('b', { depends_on_regexes: ['(a)\\1'] })] }),
    path: 'jobs[1].depends_on_regexes[0]',
    message: /linear time/,
  },
  {
    what: 'a regex that matches nothing',
    file: 'regex-none.json',
    content: json({ name: 'w', jobs: [job('a'), job('b', { input_files_regexes: ['raw_.*'] })] }),
    path: 'jobs[1].input_files_regexes[0]',
    message: /matches no file/,
  },
  {
    what: 'a dependency cycle',
    file: 'cycle.json',
    content: json({ name: 'w', jobs: [job('a', { depends_on: ['b'] }), job('b', { depends_on: ['a'] })] }),
    path: 'jobs',
    message: /cycle: (a -> b -> a|b -> a -> b)/,
  },
  {
    what: 'a cycle through files',
    file: 'cycle-files.yaml',
    content:
      'name: w\nfiles: [{name: f, path: f}, {name: g, path: g}]\njobs:\n' +
      '  - {name: a, command: x, input_files: [f], output_files: [g]}\n' +
      '  - {name: b, command: x, input_files: [g], output_files: [f]}\n',
    path: 'jobs',
    message: /cycle/,
  },
  {
    what: 'duplicate job names',
    file: 'dupjobs.json',
    content: json({ name: 'w', jobs: [job('a'), job('a')] }),
    path: 'jobs[1].name',
    message: /duplicate job name "a"/,
  },
  {
    what: 'a file with two producers',
    file: 'twoproducers.json',
    content: json({
      name: 'w',
      files: [{ name: 'f', path: 'f' }],
      jobs: [job('a', { output_files: ['f'] }), job('b', { output_files: ['f'] })],
    }),
    path: 'jobs[1].output_files',
    message: /one producer/,
  },
  {
    what: 'a command naming an undefined file',
    file: 'fileref.json',
    content: json({ name: 'w', jobs: [job('a', { command: 'cat ${files.input.raw}' })] }),
    path: 'jobs[0].command',
    message: /names no file/,
  },
  {
    what: 'undefined resource requirements, failure handler and scheduler',
    file: 'refs.json',
    content: json({
      name: 'w',
      jobs: [job('a', { resource_requirements: 'big', failure_handler: 'fh', scheduler: 's' })],
    }),
    path: 'jobs[0].resource_requirements',
    message: /no resource requirements named "big"/,
    more: [
      ['jobs[0].failure_handler', /no failure handler named "fh"/],
      ['jobs[0].scheduler', /no scheduler named "s"/],
    ],
  },
  {
    what: 'a malformed memory size',
    file: 'memory.yaml',
    content: 'name: w\nresource_requirements: [{name: r, memory: lots}]\n',
    path: 'resource_requirements[0].memory',
    message: /invalid memory "lots"/,
  },
  {
    what: 'a memory size and runtime of 1e400',
    file: 'overflow.json',
    content: json({ name: 'w', resource_requirements: [{ name: 'r', memory: `${huge}g`, runtime: `${huge}h` }] }),
    path: 'resource_requirements[0].memory',
    message: /^memory "1000.* is too large \(at most 8 PiB\)$/,
    more: [['resource_requirements[0].runtime', /^runtime "1000.* is too large \(at most 285,000 years\)$/]],
  },
  {
    what: 'a negative and a fractional CPU count',
    file: 'cpus.json',
    content: json({
      name: 'w',
      resource_requirements: [
        { name: 'a', num_cpus: -1 },
        { name: 'b', num_cpus: 1.5 },
      ],
    }),
    path: 'resource_requirements[0].num_cpus',
    message: /too small|>0/i,
    more: [['resource_requirements[1].num_cpus', /int/]],
  },
  {
    what: 'a NUL byte in a job name',
    file: 'nul-name.json',
    content: json({ name: 'w', jobs: [job('a\u0000b')] }),
    path: 'jobs[0].name',
    message: /NUL/,
  },
  {
    what: 'a NUL byte in a command',
    file: 'nul-command.json',
    content: json({ name: 'w', jobs: [job('a', { command: 'echo a\u0000' })] }),
    path: 'jobs[0].command',
    message: /NUL/,
  },
  {
    what: 'a NUL byte in a file path',
    file: 'nul-path.json',
    content: json({ name: 'w', files: [{ name: 'f', path: 'out\u0000.txt' }] }),
    path: 'files[0].path',
    message: /NUL/,
  },
  {
    what: 'user data nested 1,500 deep',
    file: 'deep.json',
    content: json({ name: 'w', user_data: [{ name: 'u', data: nested(1500) }] }),
    path: `user_data[0].data${'.a'.repeat(61)}`,
    message: /nested deeper than 64 levels/,
  },
  {
    what: 'a YAML flow sequence nested 10,000 deep',
    file: 'deep.yaml',
    content: `name: w\nuser_data: [{name: u, data: ${'['.repeat(10_000)}${']'.repeat(10_000)}}]\n`,
    path: '(file)',
    message: /yaml|nested/,
  },
  {
    what: 'invalid UTF-8',
    file: 'latin1.yaml',
    content: Buffer.concat([Buffer.from('name: caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    path: '(file)',
    message: /not valid UTF-8/,
  },
  {
    what: 'a __proto__ key',
    file: 'proto.json',
    content: '{"__proto__": {"jobs": []}, "name": "w"}',
    path: '(root)',
    message: /__proto__/,
  },
  {
    what: 'a failure handler rule of the wrong type',
    file: 'handler.json',
    content: json({ name: 'w', failure_handlers: [{ name: 'fh', rules: [{ exit_codes: 'all' }] }] }),
    path: 'failure_handlers[0].rules[0].exit_codes',
    message: /expected array/,
  },
  {
    what: 'a Slurm scheduler with a bad walltime',
    file: 'slurm.yaml',
    content: 'name: w\nslurm_schedulers: [{name: s, account: a, walltime: "4 hours"}]\n',
    path: 'slurm_schedulers[0].walltime',
    message: /invalid walltime/,
  },
  {
    what: 'a misspelled AWS scheduler field',
    file: 'aws.yaml',
    content: 'name: w\naws_schedulers: [{name: s, regoin: us-west-2}]\n',
    path: 'aws_schedulers[0].regoin',
    message: /did you mean "region"/,
  },
  {
    what: 'an action without its scheduler',
    file: 'action.yaml',
    content: 'name: w\nactions: [{trigger_type: on_workflow_start, action_type: schedule_nodes}]\n',
    path: 'actions[0].scheduler',
    message: /needs the name of a scheduler/,
  },
  {
    what: 'an action regex that selects no job',
    file: 'action-regex.yaml',
    content:
      'name: w\njobs: [{name: a, command: x}]\n' +
      'actions: [{trigger_type: on_jobs_ready, action_type: run_commands, commands: [x], job_name_regexes: ["^zz"]}]\n',
    path: 'actions[0].job_name_regexes[0]',
    message: /matches no job/,
  },
  {
    what: 'five million wrong items in jobs',
    file: 'many.json',
    content: `{"name":"w","jobs":[${'1,'.repeat(5_000_000)}1]}`,
    path: 'jobs[0]',
    message: /expected object/,
    more: [['jobs[99]', /expected object/]],
  },
  {
    what: 'requirements no worker here can meet',
    file: 'unsatisfiable.json',
    content: json({
      name: 'w',
      resource_requirements: [{ name: 'huge', num_cpus: 100_000, memory: '8000t' }],
      jobs: [job('a', { resource_requirements: 'huge' }), job('b', { resource_requirements: 'huge' })],
    }),
    path: 'job "a"',
    message: /needs 100000 CPUs/,
    more: [['job "b"', /needs 100000 CPUs/]],
  },
  {
    what: 'a sweep over JOBGRAPH_MAX_JOBS from the environment',
    file: 'limited.json',
    content: json({ name: 'w', jobs: [job('j{i}', { parameters: { i: '1:11' } })] }),
    path: 'jobs[0].parameters',
    message: /expands to 11 jobs \(i: 11\); at most 10 are allowed \(JOBGRAPH_MAX_JOBS\)/,
  },
  {
    what: 'a file that does not exist',
    file: 'missing/nope.yaml',
    content: '',
    path: '(file)',
    message: /no such file/,
  },
  {
    what: 'a directory',
    file: 'adir.yaml',
    content: '',
    path: '(file)',
    message: /is a directory/,
  },
  {
    what: 'a YAML alias bomb',
    file: 'aliases.yaml',
    content:
      'a: &a ["x","x","x","x","x","x","x","x","x"]\n' +
      Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ).join('\n') +
      '\nname: w\n',
    path: '(file)',
    message: /alias/i,
  },
];

const dir = mkdtempSync(join(tmpdir(), 'jobgraph-malformed-'));
for (const spec of SPECS) {
  if (spec.file === 'adir.yaml') mkdirSync(join(dir, spec.file));
  else if (!spec.file.startsWith('missing/')) writeFileSync(join(dir, spec.file), spec.content);
}

/** `jobgraph run` on each spec, two at a time (two cores): results by file. */
const results = new Map<string, CliResult>();
const timings: number[] = [];
async function runAll(): Promise<void> {
  const queue = [...SPECS];
  const worker = async () => {
    for (let spec = queue.shift(); spec; spec = queue.shift()) {
      const started = performance.now();
      const env = { REDIS_URL: undefined, ...LIMITED_ENV[spec.file] };
      results.set(spec.file, await runCli(['run', spec.file], { cwd: dir, env }));
      timings.push(performance.now() - started);
    }
  };
  await Promise.all([worker(), worker()]);
}

const PROBLEM_LINE = /^ {2}(\S.*?): (.+)$/;

/** Specs run with a setting in the environment: the limit reaches `jobgraph run`. */
const LIMITED_ENV: Record<string, Record<string, string>> = { 'limited.json': { JOBGRAPH_MAX_JOBS: '10' } };

describe('jobgraph run refuses malformed specs', { timeout: 600_000 }, () => {
  afterAll(() => {
    const sorted = [...timings].sort((a, b) => a - b);
    console.log(
      `malformed specs: ${SPECS.length} runs, median ${Math.round(sorted[sorted.length >> 1]!)} ms, ` +
        `slowest ${Math.round(sorted[sorted.length - 1]!)} ms`,
    );
  });

  it(`runs ${SPECS.length} malformed specs`, async () => {
    expect(SPECS.length).toBeGreaterThanOrEqual(50);
    await runAll();
    expect(results.size).toBe(SPECS.length);
  });

  it.each(SPECS.map((s) => [s.what, s] as const))('%s', (_what, spec) => {
    const r = results.get(spec.file);
    expect(r, 'not run').toBeDefined();
    const { code, stdout, stderr } = r!;
    expect(code, stderr).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^error: .+ \([a-z_]+\)$/);
    const problems = lines.slice(1);
    expect(problems.length, stderr).toBeGreaterThan(0);
    // One problem per line, each starting with its path; no problem runs into the next.
    for (const line of problems) {
      expect(line, stderr).toMatch(PROBLEM_LINE);
      expect(line.length, line).toBeLessThan(1200);
    }
    const found = problems.map((l) => PROBLEM_LINE.exec(l)!).map((m) => [m[1]!, m[2]!] as const);
    for (const [path, message] of [[spec.path, spec.message] as const, ...(spec.more ?? [])])
      expect(
        found.some(([p, m]) => p === path && message.test(m)),
        `no line "  ${path}: ${message}" in\n${stderr}`,
      ).toBe(true);
  });

  it('leaves no process behind', () => {
    expect(processesIn(dir)).toEqual([]);
  });
});

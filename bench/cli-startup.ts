/**
 * `npm run bench:startup`: how long the `jobgraph` CLI takes to answer, as a user sees it
 * (decision 0015). Each command is started N times as a fresh process, as hyperfine does;
 * min / median / max wall times are printed as a Markdown table.
 *
 * - `--version`, `--help`: process start to exit.
 * - `run` first line: process start to the `workflow … created: N jobs` line on stderr (a
 *   private redis-server is started as a user's `run` does), then the run is stopped (SIGINT).
 * - `run` one job: process start to exit of a one-job workflow (`true`), run to completion —
 *   issue 13's "`jobgraph run` of a one-job workflow ≤ 0.5 s".
 *
 * Each is measured with the compiled bin (`bin/jobgraph.js` running dist/, which must be
 * current: `npm run build`, with its code cache: decision 0020), with the same bundle loaded by
 * Node without a cache, and with the sources through tsx (the bin before decision 0015).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CODE_CACHE_DIR, compiledState, MAIN_FILE } from '../bin/compiled-is-current.js';

const REPO = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } });
const RUNS = Number(values.runs);

const LAUNCHERS = {
  'compiled (bin → dist/)': [process.execPath, join(REPO, 'bin/jobgraph.js')],
  // The same bundle loaded by Node itself: no code cache, no recorded answers (decision 0020).
  'compiled, uncached (node dist/cli/main.cjs)': [process.execPath, join(REPO, MAIN_FILE)],
  // What bin/jobgraph.js did before: tsx's loader, then the TypeScript entry point.
  'tsx (sources)': [process.execPath, '--import', import.meta.resolve('tsx'), join(REPO, 'src/cli/main.ts')],
};

/** Milliseconds from spawn until `until` says the output so far is enough (or the process exits). */
function timeOnce(
  command: string[],
  args: string[],
  cwd: string,
  until?: (stderr: string) => boolean,
): Promise<number> {
  return new Promise((done, fail) => {
    const began = performance.now();
    const child = spawn(command[0]!, [...command.slice(1), ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let at: number | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (until && at === undefined && until(stderr)) {
        at = performance.now() - began;
        child.kill('SIGINT');
      }
    });
    child.once('error', fail);
    child.once('close', (code) => {
      if (until && at === undefined) fail(new Error(`${args.join(' ')}: no first line (exit ${code}): ${stderr}`));
      else if (!until && code !== 0) fail(new Error(`${args.join(' ')} exited ${code}: ${stderr}`));
      else done(at ?? performance.now() - began);
    });
  });
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const f = (v: number) => (v / 1000).toFixed(3);
  return `${f(s[0]!)} | ${f(s[Math.floor(s.length / 2)]!)} | ${f(s.at(-1)!)}`;
}

async function main(): Promise<void> {
  if (compiledState(REPO) !== 'current') throw new Error('dist/ is not current: run `npm run build` first');
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-startup-'));
  writeFileSync(join(dir, 'wait.yaml'), 'name: startup\njobs:\n  - { name: wait, command: sleep 30 }\n');
  writeFileSync(join(dir, 'one.yaml'), 'name: one\njobs:\n  - { name: one, command: "true" }\n');
  const cases: Array<[string, string[], ((stderr: string) => boolean)?]> = [
    ['--version', ['--version']],
    ['--help', ['--help']],
    ['run: first line', ['run', 'wait.yaml', '--cpus', '1', '--mem', '1g'], (e) => /created: 1 job\n/.test(e)],
    ['run: one job to exit', ['run', 'one.yaml', '--cpus', '1', '--mem', '1g']],
  ];
  const lines = ['| command | launcher | runs | min s | median s | max s |', '|---|---|---|---|---|---|'];
  try {
    for (const [label, args, until] of cases) {
      for (const [launcher, command] of Object.entries(LAUNCHERS)) {
        // Each case's warm-up writes the code cache its runs take: a cache written by another
        // case (run's first line, stopped there) would hold less than this case compiles.
        rmSync(join(REPO, CODE_CACHE_DIR), { recursive: true, force: true });
        await timeOnce(command, args, dir, until); // warm-up: file cache, tsx's transform cache, code cache
        const ms: number[] = [];
        for (let i = 0; i < RUNS; i++) ms.push(await timeOnce(command, args, dir, until));
        lines.push(`| \`${label}\` | ${launcher} | ${RUNS} | ${summary(ms)} |`);
        process.stderr.write(`${lines.at(-1)}\n`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();

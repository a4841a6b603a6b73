import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workerStartArgs } from '../worker-args.js';
import { outputPath, sbatchScript, scriptPath } from './sbatch-script.js';
import { slurmRequest } from './test-schedulers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('sbatchScript', () => {
  it('names the job, puts its output in a predictable place and writes every option', () => {
    const script = sbatchScript(slurmRequest({ partition: 'debug', qos: 'high', extra: '--exclusive -c 4' }));
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines.filter((l) => l.startsWith('#SBATCH'))).toEqual([
      '#SBATCH --job-name=jg-wf1-a1',
      '#SBATCH --output=/scratch/run/.jobgraph/slurm/wf1-a1-%j.out',
      '#SBATCH --nodes=1',
      '#SBATCH --time=0-04:00:00',
      '#SBATCH --account=proj1',
      '#SBATCH --partition=debug',
      '#SBATCH --qos=high',
      '#SBATCH --exclusive -c 4',
    ]);
    expect(script).toContain('\nexport JOBGRAPH_ALLOCATION=wf1-a1\ncd /scratch/run\n');
  });

  it('execs one worker without srun for one node, with the worker flags and no sizing', () => {
    const request = slurmRequest({}, {});
    request.worker = {
      ...request.worker,
      token: 't0k',
      maxParallelJobs: 4,
      idleExitS: 60,
      ignoreWorkflowCompletion: true,
    };
    const last = sbatchScript(request).trimEnd().split('\n').at(-1)!;
    expect(last).toBe(
      'exec /usr/bin/node /opt/jobgraph/bin/jobgraph.js worker start --api http://login1:8080 --workflow wf1 ' +
        '--allocation wf1-a1 --max-parallel-jobs 4 --idle-exit 60 --ignore-workflow-completion --cwd /scratch/run',
    );
    expect(last).not.toMatch(/--cpus|--mem|--nodes/);
    // The token travels in the script's environment, not on the command line (ps shows that).
    expect(sbatchScript(request)).toContain('JOBGRAPH_TOKEN=');
  });

  it('starts one worker per node with srun for several nodes', () => {
    const last = sbatchScript(slurmRequest({ nodes: 3, ntasks_per_node: 4 }))
      .trimEnd()
      .split('\n')
      .at(-1)!;
    expect(last).toMatch(/^exec srun --ntasks-per-node=1 --nodes=3 --ntasks=3 --kill-on-bad-exit=0 \/usr\/bin\/node /);
    expect(last).not.toContain('--nodes 3');
  });

  it('tells a single worker how many nodes it serves when perNode is false', () => {
    const request = slurmRequest({}, { nodes: 2 });
    request.worker.perNode = false;
    const script = sbatchScript(request);
    expect(script).toContain('#SBATCH --nodes=2');
    expect(script.trimEnd().split('\n').at(-1)).toMatch(/^exec \/usr\/bin\/node .* --nodes 2$/);
  });

  it('quotes what it interpolates: bash runs the script and the worker gets its arguments back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), "jg script 'q' "));
    dirs.push(dir);
    const request = slurmRequest({ comment: 'two words' });
    request.worker = {
      ...request.worker,
      apiUrl: "http://h:1/$(touch pwned)'`x`",
      command: ['/usr/bin/printf', '%s\\n'],
      cwd: dir,
      outputDir: join(dir, '100%'),
      env: { GREETING: "it's $HOME" },
    };
    const script = sbatchScript(request);
    expect(script).toContain('#SBATCH --comment="two words"');
    expect(script).toContain(`#SBATCH --output="${join(dir, '100%%')}/wf1-a1-%j.out"`);
    const out = execFileSync('/bin/bash', ['-c', `${script}\n`], { cwd: tmpdir() }).toString();
    expect(out.trimEnd().split('\n')).toEqual(workerStartArgs(request));
    expect(existsSync(join(dir, 'pwned'))).toBe(false);
    const env = execFileSync('/bin/bash', [
      '-c',
      script.replace(/^exec .*$/m, 'printf "%s|%s|%s" "$GREETING" "$JOBGRAPH_ALLOCATION" "$PWD"'),
    ]);
    expect(env.toString()).toBe(`it's $HOME|wf1-a1|${dir}`);
  });

  it('places the script and the output beside each other', () => {
    const request = slurmRequest();
    expect(scriptPath(request)).toBe('/scratch/run/.jobgraph/slurm/wf1-a1.sbatch');
    expect(outputPath(request, '42')).toBe('/scratch/run/.jobgraph/slurm/wf1-a1-42.out');
  });
});

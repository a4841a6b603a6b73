import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { awsRequest, awsScheduler } from '../../../test/support/aws-fixtures.js';
import { redactToken, renderUserData, workerArgv } from './user-data.js';

const request = awsRequest(awsScheduler(), {
  worker: {
    apiUrl: 'http://10.0.0.5:8080',
    token: "t0k'en",
    command: ['/usr/bin/node', '/opt/jobgraph/bin/jobgraph.js'],
    cwd: '/srv/my work',
    outputDir: '/srv/out',
    idleExitS: 300,
    ignoreWorkflowCompletion: true,
    expirationBufferS: 120,
    env: { JOBGRAPH_LOG_LEVEL: 'debug' },
  },
});

/** What bash makes of a line: its words, one per line. */
function bashWords(line: string): string[] {
  return execFileSync('bash', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' })
    .split('\n')
    .slice(0, -1);
}

describe('user data', () => {
  it('starts the worker for the allocation with the launch flags, no --cpus/--mem, and --imds last', () => {
    expect(workerArgv(request, {})).toEqual([
      '/usr/bin/node',
      '/opt/jobgraph/bin/jobgraph.js',
      'worker',
      'start',
      '--api',
      'http://10.0.0.5:8080',
      '--workflow',
      'wf1',
      '--allocation',
      'alloc1',
      '--expiration-buffer',
      '120',
      '--idle-exit',
      '300',
      '--ignore-workflow-completion',
      '--cwd',
      '/srv/my work',
      '--imds',
    ]);
  });

  it("falls back to the scheduler's idle_timeout_s", () => {
    const plain = awsRequest(awsScheduler());
    expect(workerArgv(plain, { idle_timeout_s: 600 })).toContain('600');
    expect(workerArgv(plain, {})).not.toContain('--idle-exit');
  });

  it('writes a valid bash script: env, cwd, worker, then shutdown; a walltime schedules a shutdown', () => {
    const script = renderUserData({ request, settings: { walltime_s: 3700 } });
    execFileSync('bash', ['-n'], { input: script });
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(script).toContain("shutdown -h +61 'jobgraph: walltime reached'");
    expect(script).toContain('export JOBGRAPH_LOG_LEVEL=debug');
    expect(script).toContain('export JOBGRAPH_ALLOCATION=alloc1');
    expect(script).toContain("cd '/srv/my work'");
    const workerLine = lines.find((l) => l.includes(' worker start '))!;
    expect(bashWords(workerLine)).toEqual(workerArgv(request, {}));
    expect(lines.indexOf(workerLine)).toBeLessThan(lines.indexOf('shutdown -h now'));
    expect(renderUserData({ request, settings: {} })).not.toContain('shutdown -h +');
  });

  it('fills a template, each placeholder one shell word, and leaves other braces alone', () => {
    const script = renderUserData({
      request,
      settings: {
        user_data_template: '#!/bin/bash\necho {workflow} {allocation} ${HOME} {api_url}\n{worker_command}\n',
      },
    });
    const [, echo, command] = script.split('\n');
    expect(echo).toBe('echo wf1 alloc1 ${HOME} http://10.0.0.5:8080');
    expect(bashWords(command!)).toEqual(workerArgv(request, {}));
  });

  it('refuses an environment name the shell cannot export', () => {
    const bad = awsRequest(awsScheduler(), { worker: { ...request.worker, env: { 'A-B': '1' } } });
    expect(() => renderUserData({ request: bad, settings: {} })).toThrow(ValidationError);
  });

  it('redacts the token for display', () => {
    expect(redactToken('--token abc123 x', 'abc123')).toBe('--token <token> x');
    expect(redactToken('same', undefined)).toBe('same');
  });
});

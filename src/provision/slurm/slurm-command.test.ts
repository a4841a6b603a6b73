import { describe, expect, it } from 'vitest';
import { UnavailableError } from '../../core/errors.js';
import { isTransientSlurmError, runSlurmCommand, slurmMessage } from './slurm-command.js';

describe('slurmMessage', () => {
  it("keeps Slurm's words on one line, without the command prefixes", () =>
    expect(
      slurmMessage(
        'sbatch: error: invalid partition specified: nope\nsbatch: error: Batch job submission failed: Invalid partition name specified\n',
      ),
    ).toBe('invalid partition specified: nope; Batch job submission failed: Invalid partition name specified'));
});

describe('isTransientSlurmError', () => {
  it('recognises a busy controller', () => {
    expect(
      isTransientSlurmError('sbatch: error: Batch job submission failed: Socket timed out on send/recv operation'),
    ).toBe(true);
    expect(isTransientSlurmError('sbatch: error: Invalid account')).toBe(false);
  });
});

describe('runSlurmCommand', () => {
  it('a missing command is UnavailableError naming it', async () => {
    const err = await runSlurmCommand('sbatch', ['--version'], { env: { PATH: '/nonexistent' } }).catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toMatch(/^sbatch not found on PATH \(\/nonexistent\)/);
  });

  it('a command past its deadline is UnavailableError', async () => {
    const err = await runSlurmCommand('sleep', ['5'], { timeoutMs: 200 }).catch((e) => e);
    expect(err).toBeInstanceOf(UnavailableError);
    expect(err.message).toMatch(/did not answer within 0.2 s/);
  });

  it('a failing command is returned with its exit code and output', async () => {
    const result = await runSlurmCommand('sh', ['-c', 'echo out; echo "x: error: bad" >&2; exit 3']);
    expect(result).toEqual({ code: 3, stdout: 'out\n', stderr: 'x: error: bad\n' });
  });
});

/**
 * The TypeScript client (`jobgraph/client`) against a live server and worker: both examples
 * run as a user would, with tsx, importing the package by its name.
 */
import { describe, expect, it } from 'vitest';
import { REPO } from '../e2e/support/cli.js';
import { lastJsonLine, liveStackForFile } from './live-stack.js';

const TSX = [process.execPath, '--import', 'tsx'];

describe('TypeScript client', () => {
  const stack = liveStackForFile();

  it('runs examples/clients/typescript/direct-mode.ts: results and events of both jobs', async () => {
    const r = await stack().run([...TSX, 'examples/clients/typescript/direct-mode.ts'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'completed', completed: 2, results: 2 });
    expect(lastJsonLine(r.stdout).events).toBeGreaterThanOrEqual(6);
  }, 300_000);

  it('runs examples/clients/typescript/from-spec.ts: the diamond completes', async () => {
    const r = await stack().run([...TSX, 'examples/clients/typescript/from-spec.ts'], REPO);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'completed', completed: 4 });
  }, 300_000);
});

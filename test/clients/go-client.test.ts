/**
 * The generated Go client (clients/go) against a live server and worker: its `go test` suite
 * (connect_test.go) and both examples run with `go run`. Skipped, saying so, without a Go
 * toolchain.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../e2e/support/cli.js';
import { lastJsonLine, liveStackForFile } from './live-stack.js';

const missing = spawnSync('go', ['version']).status === 0 ? undefined : 'no `go` on PATH';
// The client needs nothing beyond the standard library: no module download, no toolchain switch.
const GO_ENV = { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOPROXY: 'off' };
const EXAMPLES = join(REPO, 'examples/clients/go');

(missing ? describe.skip : describe)(`Go client${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const stack = liveStackForFile();

  it('passes go test against the live API', async () => {
    const r = await stack().run(['go', 'test', '-count=1', '-v', './...'], join(REPO, 'clients/go'), GO_ENV);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/--- PASS: TestSpecRunsOnTheWorker/);
    expect(r.stdout).not.toMatch(/--- SKIP/);
  }, 300_000);

  it('runs examples/clients/go/direct-mode: results and events of both jobs', async () => {
    const r = await stack().run(['go', 'run', './direct-mode'], EXAMPLES, GO_ENV);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'completed', completed: 2, results: 2 });
    expect(lastJsonLine(r.stdout).events).toBeGreaterThanOrEqual(6);
  }, 300_000);

  it('runs examples/clients/go/from-spec: the diamond completes', async () => {
    const r = await stack().run(['go', 'run', './from-spec'], EXAMPLES, GO_ENV);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lastJsonLine(r.stdout)).toMatchObject({ status: 'completed', completed: 4 });
  }, 300_000);
});

/**
 * The curl walkthrough in docs/api.md, run as written: its ```sh blocks, in order, as one bash
 * script against a live server and worker. Skipped, saying so, without curl or jq.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../e2e/support/cli.js';
import { liveStackForFile } from './live-stack.js';

const absent = ['curl', 'jq'].filter((tool) => spawnSync(tool, ['--version']).status !== 0);
const missing = absent.length ? `no ${absent.join(', ')} on PATH` : undefined;

/** The ```sh blocks of a Markdown text, joined in order. */
function shellBlocks(markdown: string): string {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]).join('\n');
}

(missing ? describe.skip : describe)(`docs/api.md curl walkthrough${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const stack = liveStackForFile();

  it('runs as written: both jobs complete, results, events and a problem document', async () => {
    const script = shellBlocks(readFileSync(join(REPO, 'docs/api.md'), 'utf8'));
    expect(script).toContain('curl');
    const r = await stack().run(['bash', '-euo', 'pipefail', '-c', script], stack().dir);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('{"status":"completed","counts":{"completed":2,"failed":0}}');
    expect(r.stdout.match(/"return_code":0/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/^workflow_started$[\s\S]*^workflow_finished$/m);
    expect(r.stdout).toContain('{"status":404,"code":"not_found"}');
  }, 300_000);
});

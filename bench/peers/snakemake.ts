/**
 * Snakemake: one rule instance per job, each `sh -c true` with a touched output file (Snakemake
 * schedules by files). The figure is the whole `snakemake` invocation (its DAG build included):
 * Snakemake has no long-running service whose start could be left out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine, timedRun } from './run-command.js';
import type { Peer } from './peer.js';

const INDEPENDENT = `
rule all:
    input: expand("out/{i}", i=range(int(config["n"])))

rule job:
    output: touch("out/{i}")
    shell: "sh -c true"
`;

const CHAIN = `
wildcard_constraints:
    i = r"\\d+"

rule all:
    input: "chain/%d" % (int(config["n"]) - 1)

rule link:
    input: lambda w: [] if int(w.i) == 0 else ["chain/%d" % (int(w.i) - 1)]
    output: touch("chain/{i}")
    shell: "sh -c true"
`;

/** Run `snakefile` for `n` jobs with `cores` in a fresh directory (outputs left by a run would make the next a no-op). */
async function snakemakeMs(snakefile: string, n: number, cores: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'jobgraph-bench-snakemake-'));
  try {
    writeFileSync(join(dir, 'Snakefile'), snakefile);
    // The default ILP scheduler solves a MILP (cbc) every round: with 2,000 ready jobs one run took
    // over 14 minutes here. The greedy one is what Snakemake's docs advise for many jobs.
    const args = ['--cores', String(cores), '--quiet', '--scheduler', 'greedy', '--config', `n=${n}`];
    return await timedRun('snakemake', args, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Snakemake, local execution. */
export const snakemake: Peer = {
  name: 'Snakemake',
  how: 'snakemake --cores <cores> --scheduler greedy, one rule instance per job (whole invocation, DAG build included)',
  async detect() {
    return firstLine('snakemake', ['--version']);
  },
  independentMs(count, cores) {
    return snakemakeMs(INDEPENDENT, count, cores);
  },
  chainMs(links) {
    return snakemakeMs(CHAIN, links, 1);
  },
};

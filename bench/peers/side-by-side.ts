/**
 * `npm run bench -- --peers`: the same N independent `sh -c true` jobs and C-link chain with every
 * peer found installed, in rounds (each round runs every peer once, so a load change on a shared
 * machine hits all of them alike), then one table of medians: per-job and per-link ms and the
 * ratio to xargs. A peer not installed is listed as such and not run; one that fails is listed
 * with its error, never with a figure.
 */
import { ALL_PEERS } from './all-peers.js';
import { median } from './median.js';
import type { Peer } from './peer.js';

interface Row {
  peer: Peer;
  version?: string;
  independent: number[];
  chain: number[];
  error?: string;
}

/** Run the comparison; @returns the table (Markdown) it also prints. */
export async function sideBySide(jobs: number, links: number, repeat: number, cores: number): Promise<string> {
  const rows: Row[] = [];
  for (const peer of ALL_PEERS) rows.push({ peer, version: await peer.detect(), independent: [], chain: [] });
  const active = rows.filter((r) => r.version !== undefined);
  try {
    for (const row of active) {
      try {
        await row.peer.start?.(cores);
      } catch (err) {
        row.error = (err as Error).message;
      }
    }
    for (let round = 0; round < repeat; round++) {
      for (const row of active.filter((r) => r.error === undefined)) {
        try {
          row.independent.push((await row.peer.independentMs(jobs, cores)) / jobs);
          row.chain.push((await row.peer.chainMs(links, cores)) / links);
        } catch (err) {
          row.error = (err as Error).message.split('\n')[0];
        }
        process.stderr.write(`round ${round + 1}/${repeat}: ${row.peer.name} ${row.error ? 'failed' : 'done'}\n`);
      }
    }
  } finally {
    for (const row of active) await row.peer.stop?.().catch(() => undefined);
  }
  const table = format(rows, jobs, links, repeat, cores);
  process.stdout.write(`${table}\n`);
  return table;
}

function format(rows: Row[], jobs: number, links: number, repeat: number, cores: number): string {
  const base = rows[0]!;
  const baseJob = median(base.independent);
  const baseLink = median(base.chain);
  const f = (x: number) => x.toFixed(2);
  const lines = [
    `${cores} cores, ${new Date().toISOString().slice(0, 16)} UTC, ${jobs} independent jobs, ${links}-link chain, median of ${repeat}`,
    '',
    `| tool | version | per-job ms | × ${base.peer.name} | per-link ms | × ${base.peer.name} |`,
    '|---|---|---|---|---|---|',
  ];
  for (const row of rows) {
    const v = row.version ?? '';
    if (row.version === undefined) lines.push(`| ${row.peer.name} | not installed | – | – | – | – |`);
    else if (row.error !== undefined)
      lines.push(`| ${row.peer.name} | ${v} | failed: ${row.error.slice(0, 120)} | – | – | – |`);
    else {
      const job = median(row.independent);
      const link = median(row.chain);
      lines.push(`| ${row.peer.name} | ${v} | ${f(job)} | ${f(job / baseJob)} | ${f(link)} | ${f(link / baseLink)} |`);
    }
  }
  lines.push('', 'How each runs the jobs:');
  for (const row of rows) lines.push(`- ${row.peer.name}: ${row.peer.how}`);
  return lines.join('\n');
}

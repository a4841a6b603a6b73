/**
 * What a job's whole process tree uses right now, read from `/proc`: every process whose
 * parent chain leads to the job's shell, whatever process group or session it moved to.
 *
 * CPU time counts each process once: a live process's own time plus the time of the children
 * it has reaped (`cutime`/`cstime`), which holds everything that ended under it. Memory is the
 * sum of resident set sizes (shared pages count in each process, as `ps` shows them).
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` times (USER_HZ; 100 on every Linux architecture Node runs on). */
const CLOCK_TICKS = 100;

let pageSize: number | undefined;
/** The kernel's page size (4 KiB on x86-64, up to 64 KiB on some ARM kernels), read once. */
function pageBytes(): number {
  if (pageSize === undefined) {
    try {
      pageSize = Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096;
    } catch {
      pageSize = 4096;
    }
  }
  return pageSize;
}

/** One process, from `/proc/<pid>/stat`. */
export interface ProcessStat {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** One letter: R running, S sleeping, Z zombie (ended, not yet reaped), … */
  state: string;
  /** utime + stime + cutime + cstime, in seconds. */
  cpu_s: number;
  rss_bytes: number;
}

/** Parse a `/proc/<pid>/stat` line; undefined when it is not one. */
export function parseStat(line: string): ProcessStat | undefined {
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(line.slice(0, line.indexOf(' ')));
  const f = line.slice(close + 2).split(' ');
  // f[0] is field 3 (state): field n is f[n - 3].
  const num = (n: number) => Number(f[n - 3]);
  const ticks = num(14) + num(15) + num(16) + num(17);
  if (!Number.isFinite(pid) || !Number.isFinite(ticks)) return undefined;
  return {
    pid,
    ppid: num(4),
    pgrp: num(5),
    state: f[0] ?? '?',
    cpu_s: ticks / CLOCK_TICKS,
    rss_bytes: num(24) * pageBytes(),
  };
}

const STAT_BUFFER = Buffer.alloc(4096);

/**
 * Every process now running (processes that end during the scan are skipped). Read with
 * synchronous fd reads into one buffer: measured here (bench/monitor-overhead.ts), a walk of
 * ~140 processes costs ~4 ms of CPU that way against ~38 ms with a promise per file, and the
 * walk is shared by every job of the worker (sharedProcessTable).
 */
export async function readProcessTable(): Promise<ProcessStat[]> {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const stats: ProcessStat[] = [];
  for (const n of names) {
    if (n.charCodeAt(0) < 48 || n.charCodeAt(0) > 57) continue; // not a pid
    let fd: number | undefined;
    try {
      fd = openSync(`/proc/${n}/stat`, 'r');
      const length = readSync(fd, STAT_BUFFER, 0, STAT_BUFFER.length, 0);
      const stat = parseStat(STAT_BUFFER.toString('latin1', 0, length));
      if (stat) stats.push(stat);
    } catch {
      // ended during the scan
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
  }
  return stats;
}

/** What a process tree uses at one moment. */
export interface TreeUsage {
  /** The tree's processes, root first; empty when the root has ended. */
  pids: number[];
  rss_bytes: number;
  cpu_s: number;
}

/** The tree rooted at `root` in `table`. */
export function treeOf(root: number, table: readonly ProcessStat[]): TreeUsage {
  const children = new Map<number, ProcessStat[]>();
  const byPid = new Map<number, ProcessStat>();
  for (const p of table) {
    byPid.set(p.pid, p);
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const usage: TreeUsage = { pids: [], rss_bytes: 0, cpu_s: 0 };
  const start = byPid.get(root);
  if (!start) return usage;
  const stack = [start];
  while (stack.length > 0) {
    const p = stack.pop()!;
    usage.pids.push(p.pid);
    usage.rss_bytes += p.rss_bytes;
    usage.cpu_s += p.cpu_s;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return usage;
}

/** What the tree rooted at `root` uses now. */
export async function sampleTree(root: number): Promise<TreeUsage> {
  return treeOf(root, await readProcessTable());
}

/** A process table no older than `since` (a `performance.now()` time). */
export type ProcessTableSource = (since?: number) => Promise<ProcessStat[]>;

/**
 * A process table shared by every caller within `maxAgeMs` of its scan: one /proc walk per
 * tick serves all the jobs a worker runs, however many. A caller that passes `since` (a job
 * started then) never gets a scan taken before it.
 */
export function sharedProcessTable(maxAgeMs = 100): ProcessTableSource {
  let last: { at: number; table: Promise<ProcessStat[]> } | undefined;
  return (since = -Infinity) => {
    const now = performance.now();
    if (!last || now - last.at > maxAgeMs || last.at < since) last = { at: now, table: readProcessTable() };
    return last.table;
  };
}

/**
 * `jobgraph workflow resources KEY`: requested versus used, per job and per resource
 * requirement, with a suggestion where a request is far from use (torc's `reports`).
 *
 * Rules (one place): memory is "too low" when the peak passed the request (or the job was
 * killed as out of memory), "far above" when the largest peak is under half the request and
 * the difference is over 256 MiB; the suggestion is the peak plus 20 %, in whole MiB. CPUs are
 * "far above" when the busiest sample used under half of them (and more than one was asked
 * for), "too low" when the average passed the request by 10 %.
 */
import { formatMemory } from '../core/units.js';
import type { JobUsage } from './resource-data.js';

const MIB = 1024 ** 2;
const HEADROOM = 1.2;
const SLACK_BYTES = 256 * MIB;

/** One row: a job, or a resource requirement over its jobs. */
export interface UsageRow {
  /** Job name, or requirement name. */
  name: string;
  requirement: string;
  jobs: number;
  requested_memory_bytes?: number;
  peak_memory_bytes?: number;
  requested_cpus?: number;
  /** Cores, 1.0 = one core busy. */
  avg_cpus?: number;
  peak_cpus?: number;
  out_of_memory: boolean;
  suggestions: string[];
}

/** The report: per job, per requirement. */
export interface ResourceReport {
  jobs: UsageRow[];
  requirements: UsageRow[];
}

function maxOf(xs: Array<number | undefined>): number | undefined {
  const defined = xs.filter((x): x is number => x !== undefined);
  return defined.length > 0 ? Math.max(...defined) : undefined;
}

/** What to change in a request, from what was used. */
export function suggestions(row: Omit<UsageRow, 'suggestions'>): string[] {
  const out: string[] = [];
  const { requested_memory_bytes: asked, peak_memory_bytes: peak } = row;
  if (asked !== undefined && peak !== undefined) {
    const sized = Math.ceil((peak * HEADROOM) / MIB) * MIB;
    if (row.out_of_memory || peak > asked) out.push(`raise memory to ${formatMemory(sized)}`);
    else if (peak < asked / 2 && asked - peak > SLACK_BYTES) out.push(`lower memory to ${formatMemory(sized)}`);
  }
  const cpus = row.requested_cpus;
  if (cpus !== undefined && row.peak_cpus !== undefined && row.avg_cpus !== undefined) {
    if (row.avg_cpus > cpus * 1.1) out.push(`raise num_cpus to ${Math.ceil(row.avg_cpus)}`);
    else if (cpus > 1 && row.peak_cpus < cpus / 2)
      out.push(`lower num_cpus to ${Math.max(1, Math.ceil(row.peak_cpus))}`);
  }
  return out;
}

function jobRow(j: JobUsage): UsageRow {
  const u = j.usage;
  const base = {
    name: j.name,
    requirement: j.requirement,
    jobs: 1,
    ...(u?.requested && { requested_memory_bytes: u.requested.memory_bytes, requested_cpus: u.requested.num_cpus }),
    ...(u?.peak_memory_bytes !== undefined && { peak_memory_bytes: u.peak_memory_bytes }),
    ...(u?.avg_cpu_percent !== undefined && { avg_cpus: u.avg_cpu_percent / 100 }),
    ...(u?.peak_cpu_percent !== undefined && { peak_cpus: u.peak_cpu_percent / 100 }),
    out_of_memory: u?.out_of_memory !== undefined,
  };
  return { ...base, suggestions: suggestions(base) };
}

/** Build the report from each job's last attempt. */
export function resourceReport(jobs: readonly JobUsage[]): ResourceReport {
  const rows = jobs.map(jobRow);
  const groups = new Map<string, UsageRow[]>();
  for (const r of rows) groups.set(r.requirement, [...(groups.get(r.requirement) ?? []), r]);
  const requirements = [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, members]) => {
      const base = {
        name,
        requirement: name,
        jobs: members.length,
        ...defined('requested_memory_bytes', maxOf(members.map((m) => m.requested_memory_bytes))),
        ...defined('peak_memory_bytes', maxOf(members.map((m) => m.peak_memory_bytes))),
        ...defined('requested_cpus', maxOf(members.map((m) => m.requested_cpus))),
        ...defined('avg_cpus', maxOf(members.map((m) => m.avg_cpus))),
        ...defined('peak_cpus', maxOf(members.map((m) => m.peak_cpus))),
        out_of_memory: members.some((m) => m.out_of_memory),
      };
      return { ...base, suggestions: suggestions(base) };
    });
  return { jobs: rows, requirements };
}

function defined<K extends string>(key: K, value: number | undefined): Partial<Record<K, number>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, number>);
}

const mem = (b: number | undefined) => (b === undefined ? '-' : formatMemory(b));
const cores = (c: number | undefined) => (c === undefined ? '-' : c.toFixed(2));

/** The table cells of a row, in the order of {@link REPORT_HEADERS}. */
export function reportCells(r: UsageRow): string[] {
  return [
    r.name,
    r.requirement,
    String(r.jobs),
    mem(r.requested_memory_bytes),
    mem(r.peak_memory_bytes) + (r.out_of_memory ? ' (OOM)' : ''),
    r.requested_cpus === undefined ? '-' : String(r.requested_cpus),
    cores(r.avg_cpus),
    cores(r.peak_cpus),
    r.suggestions.join('; ') || '-',
  ];
}

export const REPORT_HEADERS = [
  'name',
  'requirement',
  'jobs',
  'mem asked',
  'mem peak',
  'cpus asked',
  'cpus avg',
  'cpus peak',
  'suggestion',
];

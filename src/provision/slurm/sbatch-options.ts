/**
 * A Slurm scheduler document → sbatch options. The document is torc's `slurm_schedulers`
 * entry as written plus jobgraph's normalized fields: `nodes` becomes `--nodes`,
 * `walltime_s` becomes `--time`, every other field `--<field>=<value>` with underscores
 * turned into dashes (as torc does), over the workflow's `slurm_defaults` (kept in
 * `sbatch_defaults`). `extra` is raw sbatch arguments, written last so that they win.
 */
import type { SchedulerDoc } from '../../core/model.js';
import { splitShellWords } from '../shell-words.js';
import { formatSlurmTime } from './slurm-units.js';

/** sbatch long options without `--` → value; `true` is a flag given without a value. */
export type SbatchOptions = Map<string, string | true>;

/** Document fields that are jobgraph's own, not sbatch options. */
const NOT_OPTIONS = new Set([
  'name',
  'type',
  'workflow',
  'nodes',
  'walltime',
  'walltime_s',
  'max_allocations',
  'sbatch_defaults',
  'extra',
]);

/**
 * Options jobgraph sets itself: the job name (how it finds its jobs), the output file (a
 * predictable place), the time limit (from `walltime`) and one job per allocation.
 */
export const MANAGED_OPTIONS = ['job-name', 'output', 'error', 'time', 'array'];

/** `ntasks_per_node` → `ntasks-per-node`. */
export function optionName(field: string): string {
  return field.replaceAll('_', '-');
}

/** The document's own sbatch fields (not the normalized or jobgraph ones), as written; absent (null) ones left out. */
export function schedulerOptionFields(scheduler: SchedulerDoc): Array<[string, unknown]> {
  return Object.entries(scheduler).filter(
    ([key, value]) => !key.startsWith('_') && !NOT_OPTIONS.has(key) && value !== undefined && value !== null,
  );
}

/** The workflow's `slurm_defaults` carried by the document, or none. */
export function sbatchDefaults(scheduler: SchedulerDoc): Record<string, unknown> {
  const defaults = scheduler.sbatch_defaults;
  return defaults && typeof defaults === 'object' ? (defaults as Record<string, unknown>) : {};
}

/** The request's say over nodes and time, when it differs from the scheduler's. */
export interface SbatchOverrides {
  nodes?: number;
  walltime_s?: number;
}

/** Options from `--nodes`, `--time`, the defaults and the scheduler's fields; `extra` is not included. */
export function sbatchOptions(scheduler: SchedulerDoc, overrides: SbatchOverrides = {}): SbatchOptions {
  const options: SbatchOptions = new Map();
  options.set('nodes', String(overrides.nodes ?? scheduler.nodes ?? 1));
  const walltime = overrides.walltime_s ?? scheduler.walltime_s;
  if (walltime !== undefined) options.set('time', formatSlurmTime(walltime));
  const apply = (field: string, value: unknown) => {
    const name = optionName(field);
    if (name === 'nodes' || MANAGED_OPTIONS.includes(name) || value === undefined || value === null) return;
    // `false` in a scheduler switches off a default flag such as `exclusive: true`.
    if (value === false) options.delete(name);
    else options.set(name, value === true ? true : String(value));
  };
  for (const [field, value] of Object.entries(sbatchDefaults(scheduler))) apply(field, value);
  for (const [field, value] of schedulerOptionFields(scheduler)) apply(field, value);
  return options;
}

/** sbatch's short options that take a value, by their long names. */
const SHORT_WITH_VALUE: Record<string, string> = {
  A: 'account',
  a: 'array',
  C: 'constraint',
  c: 'cpus-per-task',
  D: 'chdir',
  d: 'dependency',
  e: 'error',
  G: 'gpus',
  J: 'job-name',
  L: 'licenses',
  N: 'nodes',
  n: 'ntasks',
  o: 'output',
  p: 'partition',
  q: 'qos',
  t: 'time',
  w: 'nodelist',
  x: 'exclude',
};
/** Long options that never take a separate value word (`--exclusive user` is not sbatch's syntax). */
const LONG_FLAGS = new Set([
  'exclusive',
  'contiguous',
  'hold',
  'overcommit',
  'oversubscribe',
  'requeue',
  'no-requeue',
  'spread-job',
  'use-min-nodes',
  'wait',
  'parsable',
  'test-only',
  'quiet',
  'verbose',
]);

/**
 * The options in a raw `extra` string (`"--exclusive -c 4 --constraint=gen2"`), by long
 * name, to read what they ask for. Words that are not options are skipped.
 * @returns undefined when the string does not split into words (an unclosed quote)
 */
export function extraOptions(extra: string | undefined): SbatchOptions | undefined {
  const words = splitShellWords(extra ?? '');
  if (!words) return undefined;
  const options: SbatchOptions = new Map();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    const takesNext = next !== undefined && !next.startsWith('-');
    if (word.startsWith('--') && word.length > 2) {
      const eq = word.indexOf('=');
      if (eq > 0) options.set(word.slice(2, eq), word.slice(eq + 1));
      else if (!LONG_FLAGS.has(word.slice(2)) && takesNext) options.set(word.slice(2), words[++i]!);
      else options.set(word.slice(2), true);
    } else if (/^-[A-Za-z]/.test(word)) {
      const long = SHORT_WITH_VALUE[word[1]!];
      if (!long) options.set(word.slice(1, 2), true);
      else if (word.length > 2) options.set(long, word.slice(word[2] === '=' ? 3 : 2));
      else if (takesNext) options.set(long, words[++i]!);
    }
  }
  return options;
}

/** What the job will ask Slurm for: the document's options with `extra` over them (sbatch reads later lines last). */
export function effectiveOptions(scheduler: SchedulerDoc): SbatchOptions {
  const options = sbatchOptions(scheduler);
  const extra = extraOptions(typeof scheduler.extra === 'string' ? scheduler.extra : undefined);
  for (const [name, value] of extra ?? []) options.set(name, value);
  return options;
}

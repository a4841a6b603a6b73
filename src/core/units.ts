/**
 * Human units parsed at the edge: memory sizes into bytes, durations into seconds.
 * Both parsers return `undefined` for malformed input so callers (zod refinements, flag
 * parsers) can name the field in their own error. A value too large to be held exactly
 * (`"1" + 400 zeros + "g"` is Infinity; JSON stores Infinity as null) is malformed too.
 */

/** The largest memory size accepted, in bytes (8 PiB): larger ones are no longer exact integers. */
export const MAX_MEMORY_BYTES = Number.MAX_SAFE_INTEGER;

/**
 * The longest duration accepted, in seconds (~285,000 years): workers and timers work in
 * milliseconds, which must stay exact integers.
 */
export const MAX_DURATION_S = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** `value` when it is a finite number in [0, max]; otherwise undefined. */
function inRange(value: number | undefined, max: number): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 && value <= max ? value : undefined;
}

/** Whether `value` is a well-formed amount above `max` (Infinity included). */
function beyond(value: number | undefined, max: number): boolean {
  return value !== undefined && value > max;
}

const MEMORY_FACTORS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Bytes, however many: the parse without the upper bound. */
function memoryBytes(input: string | number): number | undefined {
  if (typeof input === 'number') return Math.round(input);
  // Trimmed first: `\s*` on both sides of an optional suffix backtracks quadratically on long runs of spaces.
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(input.trim());
  if (!m) return undefined;
  const factor = MEMORY_FACTORS[m[2]!.toLowerCase()];
  if (factor === undefined) return undefined;
  return Math.round(Number(m[1]) * factor);
}

/** `"512m"`, `"2g"`, `"1.5t"`, `"180GiB"`, `1048576` → bytes (binary multiples). */
export function parseMemory(input: string | number): number | undefined {
  return inRange(memoryBytes(input), MAX_MEMORY_BYTES);
}

/** Bytes → the shortest exact-ish human form: `2g`, `512m`, `1.5t`. */
export function formatMemory(bytes: number): string {
  for (const [suffix, factor] of [
    ['t', 1024 ** 4],
    ['g', 1024 ** 3],
    ['m', 1024 ** 2],
    ['k', 1024],
  ] as const) {
    if (bytes >= factor) {
      const v = bytes / factor;
      return `${Number.isInteger(v) ? v : Number(v.toFixed(2))}${suffix}`;
    }
  }
  return `${bytes}b`;
}

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;
const SHORT_DURATION = /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/i;

/** Seconds, however many: parseDuration without the upper bound. */
function durationSeconds(input: string | number): number | undefined {
  if (typeof input === 'number') return input;
  const s = input.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  const m = ISO_DURATION.exec(s) ?? SHORT_DURATION.exec(s);
  if (!m || s === 'P' || s === 'PT' || s === '' || /T$/i.test(s)) return undefined;
  const [d, h, min, sec] = m.slice(1, 5).map((x) => (x ? Number(x) : 0)) as [number, number, number, number];
  if (!m[1] && !m[2] && !m[3] && !m[4]) return undefined;
  return d * 86400 + h * 3600 + min * 60 + sec;
}

/** `"PT30M"`, `"P1DT2H"`, `"2h"`, `"1h30m"`, `"90s"`, `"90"`, `90` → seconds. */
export function parseDuration(input: string | number): number | undefined {
  return inRange(durationSeconds(input), MAX_DURATION_S);
}

/** Slurm's `--time` forms: `MM`, `MM:SS`, `HH:MM:SS`, `D-HH`, `D-HH:MM`, `D-HH:MM:SS`. */
const SLURM_DURATION = /^(?:(\d+)-(\d+)(?::(\d+)(?::(\d+))?)?|(\d+)(?::(\d+)(?::(\d+))?)?)$/;

/**
 * A Slurm time limit (`sbatch --time`) → seconds: `"90"` (minutes), `"30:00"` (MM:SS),
 * `"04:00:00"`, `"2-12"` (D-HH), `"1-02:30"`, `"1-02:30:00"`; a number is minutes, as on
 * sbatch's command line. Every field but the leading one is bounded (minutes and seconds
 * below 60, hours below 24 after a day) so that a typo such as `"01:75:00"` is refused
 * rather than read as something else. Slurm's `UNLIMITED` is not a duration: undefined.
 */
export function parseSlurmDuration(input: string | number): number | undefined {
  return inRange(slurmSeconds(input), MAX_DURATION_S);
}

/** Seconds, however many: parseSlurmDuration without the upper bound. */
function slurmSeconds(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isInteger(input) && input >= 0 ? input * 60 : undefined;
  const m = SLURM_DURATION.exec(input.trim());
  if (!m) return undefined;
  const n = (x: string | undefined) => (x === undefined ? undefined : Number(x));
  const bounded = (x: number | undefined, limit: number) => x === undefined || x < limit;
  if (m[1] !== undefined) {
    const [days, hours, minutes, seconds] = [n(m[1])!, n(m[2])!, n(m[3]), n(m[4])];
    if (!bounded(hours, 24) || !bounded(minutes, 60) || !bounded(seconds, 60)) return undefined;
    return days * 86400 + hours * 3600 + (minutes ?? 0) * 60 + (seconds ?? 0);
  }
  const parts = [n(m[5])!, n(m[6]), n(m[7])].filter((x): x is number => x !== undefined);
  if (!parts.slice(1).every((x) => bounded(x, 60))) return undefined;
  // One part: minutes; two: minutes and seconds; three: hours, minutes and seconds.
  if (parts.length === 1) return parts[0]! * 60;
  if (parts.length === 2) return parts[0]! * 60 + parts[1]!;
  return parts[0]! * 3600 + parts[1]! * 60 + parts[2]!;
}

/**
 * A scheduler's wall time → seconds: Slurm's forms first (so a bare `"90"` is 90 minutes, as
 * sbatch reads it), then ISO 8601 (`"PT4H"`) and the short form (`"2h"`) of parseDuration.
 * Zero is not a wall time (Slurm reads `--time=0` as no limit): undefined.
 */
export function parseWalltime(input: string | number): number | undefined {
  const seconds = inRange(walltimeSeconds(input), MAX_DURATION_S);
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

/** Seconds, however many: parseWalltime without the bounds. */
function walltimeSeconds(input: string | number): number | undefined {
  // A bare decimal that Slurm refused ("1.5") must not fall through to parseDuration's seconds.
  const other = typeof input === 'string' && !/^\s*[\d.]+\s*$/.test(input) ? durationSeconds(input) : undefined;
  return slurmSeconds(input) ?? other;
}

/**
 * Whether a value the parser of `unit` refused is well-formed but larger than it accepts
 * (MAX_MEMORY_BYTES, MAX_DURATION_S), so that the error can say "too large", not "malformed".
 */
export function unitTooLarge(unit: 'memory' | 'duration' | 'walltime', input: string | number): boolean {
  if (unit === 'memory') return beyond(memoryBytes(input), MAX_MEMORY_BYTES);
  return beyond(unit === 'duration' ? durationSeconds(input) : walltimeSeconds(input), MAX_DURATION_S);
}

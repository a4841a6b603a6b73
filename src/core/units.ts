/**
 * Human units parsed at the edge: memory sizes into bytes, durations into seconds.
 * Both parsers return `undefined` for malformed input so callers (zod refinements, flag
 * parsers) can name the field in their own error.
 */

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

/** `"512m"`, `"2g"`, `"1.5t"`, `"180GiB"`, `1048576` → bytes (binary multiples). */
export function parseMemory(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? Math.round(input) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(input);
  if (!m) return undefined;
  const factor = MEMORY_FACTORS[m[2]!.toLowerCase()];
  if (factor === undefined) return undefined;
  return Math.round(Number(m[1]) * factor);
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

/** `"PT30M"`, `"P1DT2H"`, `"2h"`, `"1h30m"`, `"90s"`, `"90"`, `90` → seconds. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const s = input.trim();
  if (/^\d+(?:\.\d+)?$/.test(s)) return Number(s);
  const m = ISO_DURATION.exec(s) ?? SHORT_DURATION.exec(s);
  if (!m || s === 'P' || s === 'PT' || s === '' || /T$/i.test(s)) return undefined;
  const [d, h, min, sec] = m.slice(1, 5).map((x) => (x ? Number(x) : 0)) as [number, number, number, number];
  if (!m[1] && !m[2] && !m[3] && !m[4]) return undefined;
  return d * 86400 + h * 3600 + min * 60 + sec;
}

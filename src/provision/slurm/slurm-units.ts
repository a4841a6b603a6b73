/** Slurm's own units: its `--time` form and its memory sizes (a bare number is megabytes). */

/**
 * Seconds → `--time` as `D-HH:MM:SS`. Rounded up to whole minutes: Slurm keeps time limits
 * in minutes and would round a partial one itself, possibly down.
 */
export function formatSlurmTime(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days}-${pad(hours)}:${pad(minutes % 60)}:00`;
}

const MEMORY_UNITS: Record<string, number> = { k: 1 / 1024, m: 1, g: 1024, t: 1024 ** 2 };

/**
 * A Slurm memory size (`--mem`, `--mem-per-cpu`, sinfo's `%m`) → bytes: `"64G"`, `"512m"`,
 * `"240000"` and `240000` (megabytes, as Slurm reads a bare number). Slurm takes whole numbers
 * only; `0` is valid (sbatch reads `--mem=0` as all of a node's memory).
 * @returns undefined when Slurm would refuse it
 */
export function parseSlurmMemory(value: string | number): number | undefined {
  const m = /^\s*(\d+)\s*([kmgt]?)b?\s*$/i.exec(String(value));
  if (!m) return undefined;
  const megabytes = Number(m[1]) * MEMORY_UNITS[(m[2] || 'm').toLowerCase()]!;
  return Math.round(megabytes * 1024 ** 2);
}

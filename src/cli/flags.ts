/**
 * Flag parsers for commander: human units and integers validated at the edge, with the
 * flag named in the error (commander prints it and exits 1).
 */
import { InvalidArgumentError } from 'commander';
import { parseDuration, parseMemory } from '../core/units.js';

/**
 * A memory size with its unit. A bare number is refused: `--mem 4096` almost always means
 * megabytes, and taking it as 4096 bytes would make a worker that fits no job. Bytes are
 * still expressible (`4096b`).
 */
export function memoryFlag(value: string): number {
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(value)) {
    const n = value.trim();
    throw new InvalidArgumentError(`"${n}" has no unit; write e.g. ${n}m or ${n}g (or ${n}b for bytes)`);
  }
  const bytes = parseMemory(value);
  if (bytes === undefined || bytes <= 0) {
    throw new InvalidArgumentError(`"${value}" is not a memory size; use e.g. 512m, 180g, 1.5t`);
  }
  return bytes;
}

function integerFlag(min: number): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min) {
      throw new InvalidArgumentError(`"${value}" is not a whole number ≥ ${min}`);
    }
    return Number(value);
  };
}

export const positiveIntFlag = integerFlag(1);
export const nonNegativeIntFlag = integerFlag(0);

/** A duration in seconds: `90`, `90s`, `5m`, `PT2M`. */
export function secondsFlag(value: string): number {
  const seconds = parseDuration(value);
  if (seconds === undefined) {
    throw new InvalidArgumentError(`"${value}" is not a duration; use seconds (90) or e.g. 90s, 5m, PT2M`);
  }
  return seconds;
}

/** `--memory-limit-factor`: a number ≥ 1, or `off`. */
export function memoryLimitFactorFlag(value: string): number | 'off' {
  if (value === 'off') return 'off';
  const n = Number(value);
  if (!Number.isFinite(n) || n < 1 || value.trim() === '')
    throw new InvalidArgumentError(`"${value}" is not a factor ≥ 1 or "off"`);
  return n;
}

/**
 * Building blocks shared by the spec schemas (spec-schema.ts, scheduler-schema.ts,
 * action-schema.ts): torc's `null`-means-absent convention, defaults, names, regexes, units.
 */
import { z } from 'zod';
import { parseDuration, parseMemory, parseWalltime } from '../core/units.js';
import { closestName } from './closest-name.js';

/** A name of something other entries refer to. */
export const name = z.string().min(1, 'must be a non-empty string');

/** An optional field where `null` means absent. */
export function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((v) => v ?? undefined);
}

/** An optional field with a default; `null` takes the default too. */
export function withDefault<T extends z.ZodType>(schema: T, fallback: z.output<T>) {
  return schema.nullish().transform((v): z.output<T> => (v ?? fallback) as z.output<T>);
}

/** `value` without its absent fields (`null` in the spec, or an optional field not given). */
export function present<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined && v !== null)) as T;
}

export const names = optional(z.array(name));

/** A list of regexes, each checked to compile here so that the error names its position. */
export const regexes = optional(
  z.array(
    z.string().superRefine((source, ctx) => {
      try {
        new RegExp(source);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `invalid regex: ${(err as Error).message}` });
      }
    }),
  ),
);

export const positiveInt = z.number().int().positive();
export const nonNegative = z.number().nonnegative();

/** Units a field is parsed with, and the forms its error message offers. */
const UNITS = {
  memory: { parse: parseMemory, forms: 'e.g. "512m", "2g", "1.5t"' },
  walltime: { parse: parseWalltime, forms: 'Slurm "HH:MM:SS", "D-HH:MM:SS" or ISO 8601 "PT4H"' },
  duration: { parse: parseDuration, forms: 'ISO 8601 "PT30M" or "2h"' },
} as const;

/**
 * Parse field `path` (a human size or duration) with `unit`; a malformed one is an issue there:
 * `invalid walltime "4 hours" (Slurm "HH:MM:SS", …)`. Returns undefined when absent or bad.
 */
export function parseUnit(
  ctx: z.RefinementCtx,
  path: string,
  value: string | number | undefined,
  unit: keyof typeof UNITS,
): number | undefined {
  if (value === undefined) return undefined;
  const parsed = UNITS[unit].parse(value);
  if (parsed === undefined)
    ctx.addIssue({
      code: 'custom',
      path: [path],
      message: `invalid ${path} ${JSON.stringify(value)} (${UNITS[unit].forms})`,
    });
  return parsed;
}

/**
 * An object whose unknown keys are issues at the key's own path, with the closest known key
 * suggested (`aws_schedulers[0].regoin: unknown field (did you mean "region"?)`), reported
 * together with the other fields' issues (zod's strictObject names the object, not the key,
 * and suggests nothing).
 */
export function strictObjectWithSuggestions<S extends z.ZodRawShape>(shape: S) {
  const known = new Set(Object.keys(shape));
  return z
    .looseObject(shape)
    .superRefine(
      (value, ctx) => {
        for (const key of Object.keys(value)) {
          if (known.has(key)) continue;
          const guess = closestName(key, [...known]);
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: `unknown field${guess ? ` (did you mean "${guess}"?)` : ''}`,
          });
        }
      },
      // Run even when a known field is bad, so that every issue is listed at once.
      { when: ({ value }) => typeof value === 'object' && value !== null && !Array.isArray(value) },
    )
    .transform((value) => {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) if (known.has(key) && v !== undefined) out[key] = v;
      return out as z.output<z.ZodObject<S>>;
    });
}

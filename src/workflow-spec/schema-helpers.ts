/**
 * Building blocks shared by the spec schemas (spec-schema.ts, scheduler-schema.ts,
 * action-schema.ts): torc's `null`-means-absent convention, defaults, names, regexes, units.
 */
import { z } from 'zod';
import { parseDuration, parseMemory, parseWalltime, unitTooLarge } from '../core/units.js';
import { moreUnknownFields, unknownFields } from './closest-name.js';
import { nameRegexProblem } from './name-regex.js';
import { quoted } from './quoted.js';
import { MAX_NAME_LENGTH, NAME_TOO_LONG } from '../core/schemas/string-limits.js';

/** A name of something other entries refer to. */
export const name = z.string().min(1, 'must be a non-empty string').max(MAX_NAME_LENGTH, NAME_TOO_LONG);

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

/** Most issues one list or mapping reports; past it, validation of that list stops. */
export const MAX_LIST_ISSUES = 100;

function itemwise<T extends z.ZodType>(
  item: T,
  entries: Iterable<[string | number, unknown]>,
  ctx: z.RefinementCtx,
  store: (key: string | number, value: z.output<T>) => void,
): void {
  let count = 0;
  for (const [key, value] of entries) {
    const result = item.safeParse(value);
    if (result.success) {
      store(key, result.data);
      continue;
    }
    for (const issue of result.error.issues) {
      if (count++ === MAX_LIST_ISSUES) {
        ctx.addIssue({ code: 'custom', path: [key], message: `… validation stopped after ${MAX_LIST_ISSUES} issues` });
        return;
      }
      ctx.addIssue({ code: 'custom', path: [key, ...issue.path], message: issue.message });
    }
  }
}

/** How zod names a value's type in "expected array, received …". */
function received(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

/**
 * `z.array(item)` that reports at most MAX_LIST_ISSUES issues: zod reports one per bad item,
 * and a body of a million wrong items made a million issue objects (seconds and gigabytes).
 * The array is not copied before its items are checked, and checking stops at the limit.
 */
export function list<T extends z.ZodType>(item: T) {
  return z.unknown().transform((values, ctx) => {
    if (!Array.isArray(values)) {
      ctx.addIssue({ code: 'custom', message: `Invalid input: expected array, received ${received(values)}` });
      return z.NEVER;
    }
    const out = new Array<z.output<T>>(values.length);
    itemwise(item, values.entries(), ctx, (i, v) => (out[i as number] = v));
    return out;
  });
}

/** `z.record(z.string(), value)` that reports at most MAX_LIST_ISSUES issues, as `list`. */
export function mapping<T extends z.ZodType>(value: T) {
  return z.unknown().transform((record, ctx) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      const type = Array.isArray(record) ? 'array' : received(record);
      ctx.addIssue({ code: 'custom', message: `Invalid input: expected record, received ${type}` });
      return z.NEVER;
    }
    const out: Record<string, z.output<T>> = {};
    itemwise(value, Object.entries(record), ctx, (k, v) => (out[k] = v));
    return out;
  });
}

export const names = optional(list(name));

/**
 * A list of name regexes, each checked here (it compiles, on the linear-time engine, and is
 * not too long: name-regex.ts) so that the error names its position.
 */
export const regexes = optional(
  list(
    z.string().superRefine((source, ctx) => {
      const problem = nameRegexProblem(source);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
);

export const positiveInt = z.number().int().positive();
export const nonNegative = z.number().nonnegative();

/** Units a field is parsed with, and the forms its error message offers. */
const UNITS = {
  memory: { parse: parseMemory, forms: 'e.g. "512m", "2g", "1.5t"', most: '8 PiB' },
  walltime: { parse: parseWalltime, forms: 'Slurm "HH:MM:SS", "D-HH:MM:SS" or ISO 8601 "PT4H"', most: '285,000 years' },
  duration: { parse: parseDuration, forms: 'ISO 8601 "PT30M" or "2h"', most: '285,000 years' },
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
      message: unitTooLarge(unit, value)
        ? `${path} ${quoted(value)} is too large (at most ${UNITS[unit].most})`
        : `invalid ${path} ${quoted(value)} (${UNITS[unit].forms})`,
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
        const { fields, more } = unknownFields(
          Object.keys(value).filter((key) => !known.has(key)),
          [...known],
        );
        for (const { key, message } of fields) ctx.addIssue({ code: 'custom', path: [key], message });
        if (more > 0) ctx.addIssue({ code: 'custom', path: [], message: moreUnknownFields(more) });
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

/**
 * Parameter expansion: one parameterized job or file definition becomes one item per
 * combination of its parameter values (`product`, the default, or `zip`), with every string
 * field rendered. Items without parameters are passed through untouched, so their braces
 * (shell `${HOME}`, awk `{print}`) survive. Copies of one job that share a name are torc's
 * fan-in pattern and become one job (merge-fan-in.ts).
 */
import { ValidationError, type FieldIssue } from '../core/errors.js';
import { parameterValues, MAX_PARAMETER_VALUES, type ParamScalar } from './parameter-values.js';
import type { FileSpec, JobSpec, ParameterValue, WorkflowSpec } from './spec-schema.js';
import { mergeFanIn } from './merge-fan-in.js';
import { compileTemplate, type Template } from './substitute.js';

/** An item after expansion, with the spec path of the definition it came from (`jobs[3]`). */
export interface Expanded<T> {
  item: T;
  path: string;
}

export interface ExpandedSpec {
  spec: WorkflowSpec;
  jobs: Array<Expanded<JobSpec>>;
  files: Array<Expanded<FileSpec>>;
}

/** Fields consumed by expansion: an expanded item has none (and `parameter_mode` back at its default). */
const PARAMETER_FIELDS = new Set(['parameters', 'parameter_mode', 'use_parameters']);

/**
 * Expand every parameterized job and file of `spec`.
 * @throws ValidationError listing every bad parameter, unknown placeholder or zip length mismatch.
 */
export function expandParameters(spec: WorkflowSpec): ExpandedSpec {
  const issues: FieldIssue[] = [];
  const jobs: Array<Expanded<JobSpec>> = [];
  const files: Array<Expanded<FileSpec>> = [];
  const shared = new Map<string, ParamScalar[] | undefined>();
  const sharedValues = (name: string): ParamScalar[] | undefined => {
    if (!shared.has(name)) shared.set(name, valuesOf(spec.parameters?.[name], `parameters.${name}`, issues));
    return shared.get(name);
  };
  spec.jobs.forEach((job, i) => {
    const own: Array<Expanded<JobSpec>> = [];
    const parameters = expandItem(job, `jobs[${i}]`, spec, sharedValues, issues, own);
    const merged = own.length > 1 ? mergeFanIn(own, job, parameters, `jobs[${i}]`, issues) : own;
    for (const e of merged) jobs.push(e);
  });
  spec.files.forEach((file, i) => expandItem(file, `files[${i}]`, spec, sharedValues, issues, files));
  if (issues.length) throw new ValidationError(issues);
  return { spec, jobs, files };
}

interface Parameterized {
  parameters?: Record<string, ParameterValue> | undefined;
  parameter_mode: 'product' | 'zip';
  use_parameters?: string[] | undefined;
}

/** Expand one item into `out`; returns the names of the parameters it expanded over. */
function expandItem<T extends Parameterized>(
  item: T,
  path: string,
  spec: WorkflowSpec,
  sharedValues: (name: string) => ParamScalar[] | undefined,
  issues: FieldIssue[],
  out: Array<Expanded<T>>,
): string[] {
  const names: string[] = [];
  const lists: ParamScalar[][] = [];
  let ok = true;
  const add = (name: string, values: ParamScalar[] | undefined) => {
    if (!values) ok = false;
    else if (!names.includes(name)) {
      names.push(name);
      lists.push(values);
    }
  };
  // Local parameters win over shared ones of the same name.
  for (const [name, value] of Object.entries(item.parameters ?? {}))
    add(name, valuesOf(value, `${path}.parameters.${name}`, issues));
  item.use_parameters?.forEach((name, k) => {
    if (item.parameters && name in item.parameters) return;
    if (!spec.parameters || !(name in spec.parameters)) {
      issues.push({ path: `${path}.use_parameters[${k}]`, message: `no workflow-level parameter named "${name}"` });
      ok = false;
      return;
    }
    add(name, sharedValues(name));
  });
  if (!ok) return names;
  if (names.length === 0) {
    out.push({ item, path });
    return names;
  }
  const combos = combinations(lists, item.parameter_mode, `${path}.parameters`, names, issues);
  if (!combos) return names;

  const index = new Map(names.map((n, i) => [n, i]));
  const render = compileFields(item, path, index, issues);
  if (!render) return names;
  for (const values of combos) {
    try {
      out.push({ item: render(values), path });
    } catch (err) {
      issues.push({ path: err instanceof FieldError ? err.path : path, message: (err as Error).message });
      break;
    }
  }
  return names;
}

/** A render failure (`{i:03d}` on a string) that knows which field it happened in. */
class FieldError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function valuesOf(value: ParameterValue | undefined, path: string, issues: FieldIssue[]): ParamScalar[] | undefined {
  if (value === undefined) return undefined;
  try {
    return parameterValues(value);
  } catch (err) {
    issues.push({ path, message: (err as Error).message });
    return undefined;
  }
}

/** Every combination, as rows of values in `names` order; the first parameter varies slowest (itertools.product). */
function combinations(
  lists: ParamScalar[][],
  mode: 'product' | 'zip',
  path: string,
  names: string[],
  issues: FieldIssue[],
): ParamScalar[][] | undefined {
  if (mode === 'zip') {
    const length = lists[0]!.length;
    if (lists.some((l) => l.length !== length)) {
      const sizes = names.map((n, i) => `${n}: ${lists[i]!.length}`).join(', ');
      issues.push({ path, message: `parameter_mode zip needs parameters of equal length (${sizes})` });
      return undefined;
    }
    return Array.from({ length }, (_, row) => lists.map((l) => l[row]!));
  }
  const total = lists.reduce((n, l) => n * l.length, 1);
  if (total > MAX_PARAMETER_VALUES) {
    issues.push({
      path,
      message: `the product of the parameters has ${total} combinations (more than ${MAX_PARAMETER_VALUES})`,
    });
    return undefined;
  }
  const rows = new Array<ParamScalar[]>(total);
  const digit = new Array<number>(lists.length).fill(0);
  for (let r = 0; r < total; r++) {
    rows[r] = lists.map((l, i) => l[digit[i]!]!);
    for (let i = lists.length - 1; i >= 0; i--) {
      if (++digit[i]! < lists[i]!.length) break;
      digit[i] = 0;
    }
  }
  return rows;
}

/**
 * Compile every string (and string-array) field of `item` into one renderer.
 * Returns undefined after recording issues when a field names an unknown parameter.
 */
function compileFields<T extends object>(
  item: T,
  path: string,
  index: ReadonlyMap<string, number>,
  issues: FieldIssue[],
): ((values: readonly ParamScalar[]) => T) | undefined {
  const fields: Array<[string, Template | Template[]]> = [];
  const fixed: Record<string, unknown> = {};
  let ok = true;
  const compile = (text: string, fieldPath: string): Template => {
    try {
      const template = compileTemplate(text, index);
      return (values) => {
        try {
          return template(values);
        } catch (err) {
          throw new FieldError(fieldPath, (err as Error).message);
        }
      };
    } catch (err) {
      issues.push({ path: fieldPath, message: (err as Error).message });
      ok = false;
      return () => text;
    }
  };
  for (const [key, value] of Object.entries(item)) {
    if (PARAMETER_FIELDS.has(key) || value === undefined) continue;
    if (typeof value === 'string') fields.push([key, compile(value, `${path}.${key}`)]);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
      fields.push([key, value.map((v: string, k) => compile(v, `${path}.${key}[${k}]`))]);
    else fixed[key] = value; // booleans: nothing to render
  }
  if (!ok) return undefined;
  const fixedEntries = Object.entries(fixed);
  return (values) => {
    // Built key by key from `{}` in one order, so every item of the sweep shares one hidden
    // class: a spread (`{ ...fixed }`) gave each of a million items its own (~250 bytes each).
    const out: Record<string, unknown> = {};
    for (const [key, value] of fixedEntries) out[key] = value;
    out.parameter_mode = 'product';
    for (const [key, t] of fields) out[key] = Array.isArray(t) ? t.map((f) => f(values)) : t(values);
    return out as T;
  };
}

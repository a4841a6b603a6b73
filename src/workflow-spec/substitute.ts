/**
 * `{name}` / `{name:fmt}` placeholders (a Python str.format subset) in the string fields of a
 * parameterized job or file. Compiled once per field, rendered once per expanded item, so a
 * 100,000-item sweep does not re-parse its templates.
 *
 * What counts as a placeholder: `{ident}` or `{ident:fmt}` not preceded by `$` — so shell
 * `${HOME}` and `${files.output.x_{i}}` keep their outer braces while the inner `{i}` is
 * substituted. Format subset: `[<>^]?0?width?(.precision)?[dfs]?` — `{i:03d}`, `{lr:.4f}`,
 * `{name:>8s}`, `{x}`. `{{` and `}}` are literal braces (as in Python and torc), in
 * parameterized items only: unparameterized ones are not rendered at all.
 */
import type { ParamScalar } from './parameter-values.js';

/** A placeholder, or an escaped brace (group 3). Escapes are matched first: `{{i}}` is the literal `{i}`. */
const TOKEN = /(\{\{|\}\})|(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)(?::([^{}]*))?\}/g;

/** Literal text with its `{{` / `}}` escapes undone. */
const unescape = (text: string) => text.replace(/\{\{|\}\}/g, (b) => b[0]!);

/** The parameter names `text` uses, in order of first use (`run_{i}_{j:02d}` → `['i', 'j']`). */
export function placeholderNames(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(TOKEN)) if (m[2] !== undefined && !names.includes(m[2])) names.push(m[2]);
  return names;
}
const FORMAT_SPEC = /^([<>^]?)(0?)(\d*)(?:\.(\d+))?([dfs]?)$/;

interface FormatSpec {
  align: '' | '<' | '>' | '^';
  zero: boolean;
  width: number;
  precision: number | undefined;
  type: '' | 'd' | 'f' | 's';
}

/**
 * The literal text of `text` around its placeholders, in order: `job_{i}_x` → `['job_', '_x']`,
 * `{i}` → `['', '']`, no placeholder → `[text]`. What a rendered field must contain whatever
 * the parameter values are.
 */
export function literalParts(text: string): string[] {
  const parts: string[] = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m[1] !== undefined) continue;
    parts.push(unescape(text.slice(last, m.index)));
    last = m.index + m[0].length;
  }
  parts.push(unescape(text.slice(last)));
  return parts;
}

/** Renders one field for one combination of parameter values (indexed as in `parameterIndex`). */
export type Template = (values: readonly ParamScalar[]) => string;

/**
 * Compile `text` against the parameters of one item.
 * @throws Error naming the unknown parameter or bad format (the caller adds the field path).
 */
export function compileTemplate(text: string, parameterIndex: ReadonlyMap<string, number>): Template {
  const literals: string[] = [];
  const slots: Array<{ index: number; spec: FormatSpec | undefined; raw: string }> = [];
  let last = 0;
  let pending = '';
  for (const m of text.matchAll(TOKEN)) {
    if (m[1] !== undefined) {
      pending += text.slice(last, m.index) + m[1][0];
      last = m.index + 2;
      continue;
    }
    const index = parameterIndex.get(m[2]!);
    if (index === undefined)
      throw new Error(
        `{${m[2]}} names no parameter of this item (parameters: ${[...parameterIndex.keys()].join(', ')}); ` +
          'write {{ and }} for literal braces',
      );
    literals.push(pending + text.slice(last, m.index));
    pending = '';
    slots.push({ index, spec: m[3] === undefined ? undefined : parseFormatSpec(m[3]), raw: m[0] });
    last = m.index + m[0].length;
  }
  const tail = pending + text.slice(last);
  if (slots.length === 0) return () => tail;
  return (values) => {
    let out = '';
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      out += literals[i]! + formatValue(values[slot.index]!, slot.spec, slot.raw);
    }
    return out + tail;
  };
}

function parseFormatSpec(text: string): FormatSpec {
  const m = FORMAT_SPEC.exec(text);
  if (!m)
    throw new Error(`unsupported format "${text}" (supported: [<>^][0][width][.precision][d|f|s], e.g. 03d, .4f)`);
  return {
    align: m[1] as FormatSpec['align'],
    zero: m[2] === '0',
    width: m[3] ? Number(m[3]) : 0,
    precision: m[4] === undefined ? undefined : Number(m[4]),
    type: m[5] as FormatSpec['type'],
  };
}

/** Format one value as Python's `format(value, spec)` would for the supported subset. */
export function formatValue(value: ParamScalar, spec: FormatSpec | undefined, raw = ''): string {
  if (!spec) return String(value);
  let body: string;
  let numeric = false;
  switch (spec.type) {
    case 'd':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw new Error(`${raw}: ${JSON.stringify(value)} is not an integer`);
      body = String(value);
      numeric = true;
      break;
    case 'f':
      if (typeof value !== 'number') throw new Error(`${raw}: ${JSON.stringify(value)} is not a number`);
      body = value.toFixed(spec.precision ?? 6);
      numeric = true;
      break;
    default:
      if (typeof value === 'number' && spec.type === '') {
        body = spec.precision === undefined ? String(value) : value.toFixed(spec.precision);
        numeric = true;
      } else {
        body = String(value);
        if (spec.precision !== undefined) body = body.slice(0, spec.precision);
      }
  }
  if (body.length >= spec.width) return body;
  if (spec.zero && numeric && spec.align === '') {
    const sign = body.startsWith('-') ? '-' : '';
    return sign + body.slice(sign.length).padStart(spec.width - sign.length, '0');
  }
  const fill = spec.zero && spec.align !== '' ? '0' : ' ';
  const align = spec.align || (numeric ? '>' : '<');
  if (align === '>') return body.padStart(spec.width, fill);
  if (align === '<') return body.padEnd(spec.width, fill);
  const left = Math.floor((spec.width - body.length) / 2);
  return fill.repeat(left) + body + fill.repeat(spec.width - body.length - left);
}

/**
 * Parameter value notations (torc compatible) turned into the list of values they stand for:
 * - integer range `"1:100"`, stepped `"0:100:10"` (end inclusive; a negative step counts down)
 * - float range `"0.0:1.0:0.1"` (end inclusive, values rounded to the inputs' decimals so
 *   that 0.1 steps give 0.3, not 0.30000000000000004)
 * - lists `"[1,5,10]"`, `"[0.1,0.5]"`, `"['adam','sgd']"` and real YAML/JSON arrays
 * - any other scalar: one value.
 */
import { quoted } from './quoted.js';
import type { ParameterValue } from './spec-schema.js';

/** One value of a parameter: numbers keep their type so `{i:03d}` and `{lr:.4f}` can format them. */
export type ParamScalar = string | number | boolean;

/** A sweep bigger than this is almost certainly a typo (`"1:1e9"`), and would exhaust memory. */
export const MAX_PARAMETER_VALUES = 10_000_000;

const INT = String.raw`[-+]?\d+`;
const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`;
const INT_RANGE = new RegExp(`^(${INT}):(${INT})(?::(${INT}))?$`);
const FLOAT_RANGE = new RegExp(`^(${NUM}):(${NUM})(?::(${NUM}))?$`);
const NUMBER = new RegExp(`^${NUM}$`);

/** A parameter's notation, read: how many values it stands for, and a way to make them. */
interface Notation {
  count: number;
  values(): ParamScalar[];
}

/**
 * Read one parameter's notation; ranges are counted, not yet expanded.
 * @throws Error with a message fit to follow the field path (the caller adds it).
 */
function readNotation(value: ParameterValue): Notation {
  if (Array.isArray(value)) return listOf(value);
  if (typeof value !== 'string') return listOf([value]);
  const s = value.trim();
  if (s.startsWith('[') && s.endsWith(']')) return listOf(parseList(s.slice(1, -1)));
  const int = INT_RANGE.exec(s);
  if (int) return intRange(Number(int[1]), Number(int[2]), int[3] === undefined ? 1 : Number(int[3]), s);
  const float = FLOAT_RANGE.exec(s);
  if (float) return floatRange(float[1]!, float[2]!, float[3] ?? '1', s);
  // A quoted number (`i: "7"`) is still a number, so `{i:03d}` works on it.
  return listOf([NUMBER.test(s) ? Number(s) : value]);
}

function listOf(values: ParamScalar[]): Notation {
  return { count: values.length, values: () => values };
}

/**
 * Expand one parameter's notation into its values.
 * @throws Error with a message fit to follow the field path (the caller adds it).
 */
export function parameterValues(value: ParameterValue): ParamScalar[] {
  return readNotation(value).values();
}

/**
 * How many values one parameter's notation stands for, without making them: a sweep's size
 * is checked before anything is expanded.
 * @throws Error as parameterValues does
 */
export function parameterCount(value: ParameterValue): number {
  return readNotation(value).count;
}

function intRange(start: number, end: number, step: number, text: string): Notation {
  if (![start, end, step].every(Number.isSafeInteger))
    throw new Error(`range ${quoted(text)} has a bound or step beyond ±${Number.MAX_SAFE_INTEGER}`);
  const count = rangeCount(start, end, step, text);
  return {
    count,
    values() {
      const out = new Array<number>(count);
      for (let i = 0; i < count; i++) out[i] = start + i * step;
      return out;
    },
  };
}

function floatRange(startText: string, endText: string, stepText: string, text: string): Notation {
  const [start, end, step] = [Number(startText), Number(endText), Number(stepText)];
  if (![start, end, step].every(Number.isFinite))
    throw new Error(`range ${quoted(text)} has a bound or step too large`);
  const decimals = Math.max(decimalsOf(startText), decimalsOf(stepText), decimalsOf(endText));
  // The epsilon lets the inclusive end survive float error (0.1 * 10 = 0.9999999999999999).
  const count = rangeCount(start, end, step, text, 1e-9);
  return {
    count,
    values() {
      const out = new Array<number>(count);
      for (let i = 0; i < count; i++) out[i] = Number((start + i * step).toFixed(decimals));
      return out;
    },
  };
}

function rangeCount(start: number, end: number, step: number, text: string, epsilon = 0): number {
  if (step === 0) throw new Error(`range ${quoted(text)} has a step of 0`);
  const count = Math.floor((end - start) / step + epsilon) + 1;
  if (count <= 0) throw new Error(`range ${quoted(text)} is empty (use a negative step to count down)`);
  if (!(count <= MAX_PARAMETER_VALUES))
    throw new Error(`range ${quoted(text)} has ${count} values (more than ${MAX_PARAMETER_VALUES})`);
  return count;
}

function decimalsOf(text: string): number {
  const exp = /e([-+]?\d+)$/i.exec(text);
  const mantissa = exp ? text.slice(0, exp.index) : text;
  const dot = mantissa.indexOf('.');
  const decimals = (dot < 0 ? 0 : mantissa.length - dot - 1) - (exp ? Number(exp[1]) : 0);
  return Math.min(Math.max(decimals, 0), 15);
}

/** `1, 'a', "b,c", 2.5` → [1, 'a', 'b,c', 2.5]: quoted items are strings, numeric ones numbers, the rest bare strings. */
function parseList(body: string): ParamScalar[] {
  const out: ParamScalar[] = [];
  let i = 0;
  const n = body.length;
  while (i < n) {
    while (i < n && /\s/.test(body[i]!)) i++;
    if (i >= n) break;
    const quote = body[i];
    if (quote === "'" || quote === '"') {
      const close = body.indexOf(quote, i + 1);
      if (close < 0) throw new Error(`list [${body}] has an unterminated ${quote} quote`);
      out.push(body.slice(i + 1, close));
      i = close + 1;
      while (i < n && /\s/.test(body[i]!)) i++;
      if (i < n && body[i] !== ',')
        throw new Error(`list [${body}]: expected "," after the quoted item ${quote}${out[out.length - 1]}${quote}`);
    } else {
      const comma = body.indexOf(',', i);
      const item = body.slice(i, comma < 0 ? n : comma).trim();
      if (item === '') throw new Error(`list [${body}] has an empty item`);
      out.push(NUMBER.test(item) ? Number(item) : item);
      i = comma < 0 ? n : comma;
    }
    if (body[i] === ',') {
      i++;
      if (body.slice(i).trim() === '') throw new Error(`list [${body}] has an empty item`);
    }
  }
  if (out.length === 0) throw new Error('list [] is empty');
  return out;
}

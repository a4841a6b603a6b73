/**
 * Shape limits on parsed JSON (request bodies, spec files) checked before any schema sees it:
 * nesting depth, `__proto__` keys and NUL characters. One walk, iterative (a recursive walk
 * is what overflows the stack on 10,000 levels), that stops at the first problem and names
 * it by path.
 *
 * Why each limit:
 * - depth: `JSON.stringify` recurses (a 10,000-deep body was a 500) and SQLite's JSON
 *   functions refuse documents nested deeper than 1000 (a 1,500-deep job was stored, then
 *   `start` failed for ever). 64 levels is far beyond any document jobgraph stores.
 * - `__proto__`: `JSON.parse` keeps it as an own key, but copying the object (as zod does)
 *   assigns it, which sets the prototype and drops the key without a word.
 * - NUL: a string that becomes a process argument, an environment value or a path cannot hold
 *   one; `spawn` throws on it.
 * - string length (`maxStringBytes`): the body limit alone let one 60 MB string through into
 *   a label, a log line and every read of its document; named fields have smaller caps in
 *   their schemas (string-limits.ts), this is the net under everything else.
 */
import { formatPath, type FieldIssue } from '../errors.js';
import { exceedsBytes } from './string-limits.js';

/** Deepest nesting accepted in a request body or spec (the top-level value is depth 1). */
export const MAX_JSON_DEPTH = 64;

/** What to check. */
export interface JsonShapeRules {
  /** Deepest nesting. @default MAX_JSON_DEPTH */
  maxDepth?: number;
  /** Refuse NUL characters in strings and keys, except in subtrees `nulAllowed` accepts. */
  noNul?: boolean;
  /**
   * Whether the subtree under `key` (at `path()`) may hold NUL characters. Called for every
   * object and array, so it should look at the key before asking for the path.
   */
  nulAllowed?: (key: string | number | undefined, path: () => string) => boolean;
  /** Longest string or key, in UTF-8 bytes, except in subtrees `longAllowed` accepts. @default no cap */
  maxStringBytes?: number;
  /** Whether the subtree under `key` (at `path()`) may hold longer strings; as `nulAllowed`. */
  longAllowed?: (key: string | number | undefined, path: () => string) => boolean;
}

interface Frame {
  node: object;
  /** An object's keys; undefined for an array. */
  keys: string[] | undefined;
  next: number;
  /** This node's key in its parent; undefined for the root. */
  key: string | number | undefined;
  parent: Frame | undefined;
  /** NUL characters are allowed in this subtree. */
  nulFree: boolean;
  /** Strings of any length are allowed in this subtree. */
  lengthFree: boolean;
}

const NUL_MESSAGE = 'contains a NUL character (\\0), which no command, environment variable or path can hold';

function tooLong(maxBytes: number): string {
  return `longer than ${maxBytes} bytes (JOBGRAPH_MAX_STRING_BYTES)`;
}

function pathOf(parent: Frame | undefined, last?: string | number): string {
  const parts: Array<string | number> = last === undefined ? [] : [last];
  for (let f = parent; f?.key !== undefined; f = f.parent) parts.unshift(f.key);
  return formatPath(parts) || '(root)';
}

/**
 * The first problem with `value` under `rules`, with the path of the offending value; undefined
 * when there is none. Without rules: depth and `__proto__` keys only.
 */
export function jsonShapeIssue(value: unknown, rules: JsonShapeRules = {}): FieldIssue | undefined {
  const maxDepth = rules.maxDepth ?? MAX_JSON_DEPTH;
  const maxBytes = rules.maxStringBytes;
  const nulAllowed = (parent: Frame | undefined, key?: string | number) =>
    !rules.noNul || (rules.nulAllowed?.(key, () => pathOf(parent, key)) ?? false);
  const longAllowed = (parent: Frame | undefined, key?: string | number) =>
    maxBytes === undefined || (rules.longAllowed?.(key, () => pathOf(parent, key)) ?? false);
  /** The problem with string `text` (a value, or a key when `isKey`) in a subtree of these freedoms. */
  const stringIssue = (text: string, nulFree: boolean, lengthFree: boolean, isKey = false): string | undefined => {
    if (!nulFree && text.includes('\0')) return isKey ? `a key ${NUL_MESSAGE}` : NUL_MESSAGE;
    if (!lengthFree && exceedsBytes(text, maxBytes!)) return isKey ? `a key ${tooLong(maxBytes!)}` : tooLong(maxBytes!);
    return undefined;
  };
  // A frame for a container, or the issue that stops the walk at it.
  const open = (
    node: object,
    depth: number,
    parent: Frame | undefined,
    key: string | number | undefined,
    nulFree: boolean,
    lengthFree: boolean,
  ): Frame | FieldIssue => {
    const at = () => pathOf(parent, key);
    if (depth > maxDepth) return { path: at(), message: `nested deeper than ${maxDepth} levels` };
    let keys: string[] | undefined;
    if (!Array.isArray(node)) {
      keys = Object.keys(node);
      if (Object.hasOwn(node, '__proto__')) return { path: at(), message: '"__proto__" is not allowed as a key' };
      if (!nulFree || !lengthFree)
        for (const k of keys) {
          const message = stringIssue(k, nulFree, lengthFree, true);
          if (message) return { path: at(), message };
        }
    }
    return { node, keys, next: 0, key, parent, nulFree, lengthFree };
  };

  if (typeof value === 'string') {
    const message = stringIssue(value, nulAllowed(undefined), longAllowed(undefined));
    return message ? { path: '(root)', message } : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const root = open(value, 1, undefined, undefined, nulAllowed(undefined), longAllowed(undefined));
  if ('message' in root) return root;
  let top: Frame | undefined = root;
  let depth = 1;
  while (top) {
    const frame: Frame = top;
    const size = frame.keys ? frame.keys.length : (frame.node as unknown[]).length;
    if (frame.next >= size) {
      top = frame.parent;
      depth--;
      continue;
    }
    const key = frame.keys ? frame.keys[frame.next]! : frame.next;
    frame.next++;
    const child = (frame.node as Record<string | number, unknown>)[key];
    if (typeof child === 'string') {
      if (frame.nulFree && frame.lengthFree) continue;
      // A string value under a key that allows long strings (`data: "…"`) is that key's subtree.
      const message = stringIssue(child, frame.nulFree, frame.lengthFree || longAllowed(frame, key));
      if (message) return { path: pathOf(frame, key), message };
      continue;
    }
    if (typeof child !== 'object' || child === null) continue;
    const opened = open(
      child,
      depth + 1,
      frame,
      key,
      frame.nulFree || nulAllowed(frame, key),
      frame.lengthFree || longAllowed(frame, key),
    );
    if ('message' in opened) return opened;
    top = opened;
    depth++;
  }
  return undefined;
}

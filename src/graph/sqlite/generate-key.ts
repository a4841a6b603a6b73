/**
 * Keys for documents created without one. Event keys sort by creation time, so listing
 * events by `_key` (the list order) reads them in the order they were appended.
 */
import { childKey, randomKey } from '../../core/keys.js';

let sequence = 0;

/** A random key embedding the workflow key (unique across workflows). */
export function documentKey(workflow: string): string {
  return childKey(workflow);
}

/** `${workflow}-e<ms, base36><sequence><random>`: time-ordered within one process, unique across processes. */
export function eventKey(workflow: string): string {
  sequence = (sequence + 1) % 36 ** 4;
  return `${workflow}-e${Date.now().toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${randomKey(4)}`;
}

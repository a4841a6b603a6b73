/**
 * One event as one line for `jobgraph workflow events`: time, type, then its other fields as
 * `key=value` (JSON for nested values), so a line can be grepped for a job or a type.
 */
import type { EventDoc } from '../core/model.js';

/** Fields every event has, shown in the line's head or not at all. */
const HEAD = new Set(['_key', '_id', '_rev', 'workflow', 'timestamp', 'type', 'source']);

export function formatEvent(event: EventDoc): string {
  const rest = Object.entries(event)
    .filter(([k, v]) => !HEAD.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const who = event.source === 'user' ? ' (user)' : '';
  return [`${String(event.timestamp ?? '-')} ${String(event.type ?? '-')}${who}`, ...rest].join(' ');
}

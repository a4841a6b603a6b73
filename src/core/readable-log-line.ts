/**
 * One pino JSON record as a line a person reads on a terminal:
 * `12:03:04 WARN  worker: cannot reach the API … (failures=1 reason=ECONNREFUSED)`.
 * Used only when stderr is a TTY (src/core/logger.ts); files and pipes keep JSON lines.
 */

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** Fields every record has, or that the line shows in its own place. */
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg', 'role']);

function valueText(value: unknown): string {
  if (typeof value === 'string') return /[\s"]/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'message' in value) return JSON.stringify((value as Error).message);
  return JSON.stringify(value);
}

/** The readable line (with its newline) of one JSON log record; the input unchanged when it is not JSON. */
export function readableLogLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now()).toTimeString().slice(0, 8);
  const level = (LEVELS[record.level as number] ?? String(record.level)).padEnd(5);
  const role = typeof record.role === 'string' ? `${record.role}: ` : '';
  const extra = Object.entries(record)
    .filter(([k, v]) => !OMITTED.has(k) && v !== undefined)
    .map(([k, v]) => `${k}=${valueText(v)}`)
    .join(' ');
  return `${time} ${level} ${role}${String(record.msg ?? '')}${extra ? ` (${extra})` : ''}\n`;
}

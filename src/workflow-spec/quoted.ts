/**
 * A value as an error message quotes it: JSON, cut to a readable length so that a
 * 400-digit number or a megabyte of text does not become the message.
 */
export function quoted(value: unknown, max = 60): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 12)}…${text.slice(-10)} (${text.length} characters)` : text;
}

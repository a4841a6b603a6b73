/**
 * The spec fields jobgraph accepted but does not act on yet (unsupported-field-warnings.ts), as
 * the CLI shows them: one line each on stderr, so that stdout (a table, a key, `--json`) stays
 * what tools read. `--json` output carries them too, as `warnings`.
 */

/** Write each warning as `warning: …` on stderr; anything but a list of strings is ignored. */
export function printSpecWarnings(warnings: unknown, stream: NodeJS.WritableStream = process.stderr): void {
  if (!Array.isArray(warnings)) return;
  for (const warning of warnings) if (typeof warning === 'string') stream.write(`warning: ${warning}\n`);
}

/**
 * Every spec shown in README.md and docs/ loads (issue 10, item 7): each ```yaml, ```json,
 * ```json5 and ```kdl block whose top-level keys are all spec keys is parsed in its own format
 * and built. A block without `name` is a fragment (a scheduler list, slurm_defaults) and is
 * built with a name added. Blocks with other keys (compose files, IAM policies) are not specs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSpecText, specToBundle, workflowSpecSchema, type SpecFormat } from '../../src/workflow-spec/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const SPEC_KEYS = new Set(Object.keys(workflowSpecSchema.shape));
const FORMATS: Record<string, SpecFormat> = { yaml: 'yaml', json: 'json', json5: 'json5', kdl: 'kdl' };

interface Block {
  where: string;
  format: SpecFormat;
  text: string;
}

function blocks(): Block[] {
  return DOCS.flatMap((doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    return [...text.matchAll(/^( *)```(yaml|json5?|kdl)\n([\s\S]*?)^ *```/gm)].map((m) => ({
      where: `${doc}:${text.slice(0, m.index).split('\n').length}`,
      format: FORMATS[m[2]!]!,
      // Blocks inside list items are indented; YAML needs them flush left.
      text: m[3]!
        .split('\n')
        .map((l) => l.slice(m[1]!.length))
        .join('\n'),
    }));
  });
}

const specs = blocks().filter((b) => {
  let parsed: unknown;
  try {
    parsed = parseSpecText(b.text, b.format);
  } catch {
    return true; // a block that does not even parse is reported below
  }
  return (
    typeof parsed === 'object' &&
    parsed !== null &&
    !Array.isArray(parsed) &&
    Object.keys(parsed).length > 0 &&
    Object.keys(parsed).every((k) => SPEC_KEYS.has(k))
  );
});

describe('specs shown in README.md and docs/', () => {
  it('are found, in more than one format', () => {
    expect(specs.length).toBeGreaterThanOrEqual(10);
    expect(specs.some((s) => s.format === 'kdl')).toBe(true);
    expect(new Set(specs.map((s) => s.format)).size).toBeGreaterThanOrEqual(2);
  });

  it.each(specs.map((s) => [s.where, s.format, s]))('%s (%s) loads and builds', (_where, _format, block) => {
    const parsed = parseSpecText(block.text, block.format) as Record<string, unknown>;
    const bundle = specToBundle({ name: 'fragment', ...parsed }, { workflowKey: 'wf' });
    expect(bundle.workflow.name).toBe(parsed.name ?? 'fragment');
  });
});

/**
 * `jobgraph import wf.json`: write a workflow exported by `jobgraph export` into the
 * configured graph store, keys preserved, in one transaction. The file's shape is checked
 * first (errors name the field, e.g. `documents.jobs[3]._key`); a key that already exists
 * stops the import with nothing written.
 */
import { readFile } from 'node:fs/promises';
import { Command } from 'commander';
import { z } from 'zod';
import { ConflictError, ValidationError } from '../../core/errors.js';
import {
  EDGE_COLLECTIONS,
  WORKFLOW_COLLECTIONS,
  WORKFLOW_STATUSES,
  type WorkflowBundle,
  type WorkflowDoc,
} from '../../core/model.js';
import { parseOrThrow } from '../../core/zod-issues.js';
import type { GraphStore } from '../../graph/graph-store.js';
import { addGraphFlags, type GraphFlags } from '../graph-flags.js';
import { withGraphStore } from './export.js';

const key = z.string().min(1, 'required');
const document = z.looseObject({ _key: key, _id: z.string().optional(), workflow: z.string().optional() });
const edge = document.extend({ _from: key, _to: key });

/** The shape of an export file (WorkflowBundle). Unknown document fields are kept as they are. */
export const WorkflowBundleSchema = z
  .strictObject({
    workflow: z.looseObject({
      _key: key,
      _id: z.string().optional(),
      name: z.string(),
      status: z.enum(WORKFLOW_STATUSES),
      created_at: z.string(),
    }),
    documents: z.partialRecord(z.enum(WORKFLOW_COLLECTIONS), z.array(document)),
    edges: z.partialRecord(z.enum(EDGE_COLLECTIONS), z.array(edge)),
  })
  .superRefine((bundle, ctx) => {
    // Every document must belong to the workflow being imported (a hand-merged file may not).
    const groups = [
      ['documents', bundle.documents],
      ['edges', bundle.edges],
    ] as const;
    for (const [group, byCollection] of groups) {
      for (const [collection, docs] of Object.entries(byCollection)) {
        (docs ?? []).forEach((doc, i) => {
          if (doc.workflow !== undefined && doc.workflow !== bundle.workflow._key) {
            ctx.addIssue({
              code: 'custom',
              path: [group, collection, i, 'workflow'],
              message: `must be the workflow's key ${bundle.workflow._key}`,
            });
          }
        });
      }
    }
  });

/**
 * Parse and check an export file's text.
 * @param source file name for messages
 * @throws ValidationError naming each bad field
 */
export function parseWorkflowBundle(text: string, source: string): WorkflowBundle {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError([{ path: '', message: `${source} is not JSON: ${(err as Error).message}` }]);
  }
  parseOrThrow(WorkflowBundleSchema, value);
  // The checked input itself, not zod's output: zod puts known fields first, and the
  // field order must survive so that export → import → export gives the same bytes.
  return value as WorkflowBundle;
}

/**
 * Import an export file's text into `store`.
 * @throws ValidationError (shape), ConflictError when the workflow or any document key exists already
 */
export async function importWorkflowJson(store: GraphStore, text: string, source: string): Promise<WorkflowDoc> {
  const bundle = parseWorkflowBundle(text, source);
  try {
    return await store.createWorkflow(bundle);
  } catch (err) {
    if (err instanceof ConflictError) {
      throw new ConflictError(
        `cannot import ${source}: ${err.message}. Keys are preserved on import, so a workflow cannot be imported twice into one store; delete workflow ${bundle.workflow._key} first or import into another store`,
        err.details,
      );
    }
    throw err;
  }
}

export function importCommand(): Command {
  const command = new Command('import')
    .description('create a workflow from a file written by `jobgraph export` (keys preserved)')
    .argument('<file>', 'export file (JSON)');
  addGraphFlags(command);
  return command.action(async (file: string, flags: GraphFlags) => {
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new ValidationError([{ path: 'file', message: `cannot read ${file}: ${err.code ?? err.message}` }]);
    });
    const workflow = await withGraphStore(flags, (store) => importWorkflowJson(store, text, file));
    process.stdout.write(`${workflow._key}\n`);
  });
}

/**
 * torc's fourth spec format, KDL, mapped onto the same plain object the YAML/JSON/JSON5
 * parsers produce, so that one schema validates all four. The mapping is torc's
 * (`kdl_to_json_value` in its `src/client/workflow_spec.rs`):
 *
 * - a block node's first argument is its `name` (`job "a" { … }`), its properties are fields
 *   (`file "f" path="/x"`);
 * - a child node with one argument is a field (`command "echo"`, `num_cpus 4`);
 * - singular child nodes that repeat build a list: `depends_on` (and `depends_on_job`, which
 *   torc's docs use and its parser drops), `input_file` → `input_files`,
 *   `output_file` → `output_files`, `input_user_data`, `output_user_data`, `*_regexes`;
 *   in an action `job` → `jobs` and `command` → `commands`; in a failure handler `rule` → `rules`;
 * - `parameters { i "1:10" }` is a mapping, `use_parameters "a" "b"` and `exit_codes 1 2` lists;
 * - `user_data` `data` is a JSON string, parsed.
 *
 * Where torc's reader loses what the file says, jobgraph keeps it: a list node with several
 * arguments (`depends_on_regexes "a" "b"`) gives all of them (torc keeps the first).
 * A node torc ignores silently is kept under its own name here, so the schema reports it with
 * its path like any unknown key. KDL v2 is tried first, then v1 (torc's crate reads both).
 */
import { parseCompat } from '@bgotink/kdl/v1-compat';
import type { Document, Node } from '@bgotink/kdl';

/** Top-level node → spec list key (each occurrence is one item). */
const TOP_LISTS: Record<string, string> = {
  job: 'jobs',
  file: 'files',
  user_data: 'user_data',
  resource_requirements: 'resource_requirements',
  failure_handler: 'failure_handlers',
  slurm_scheduler: 'slurm_schedulers',
  local_scheduler: 'local_schedulers',
  aws_scheduler: 'aws_schedulers',
  action: 'actions',
};

/** Child node → list key it appends to, per kind of block. */
const CHILD_LISTS: Record<string, Record<string, string>> = {
  jobs: {
    depends_on: 'depends_on',
    // torc's docs and its own KDL examples write `depends_on_job`; torc's parser drops it
    // (its match has no arm for it), leaving the KDL twins with fewer edges than their YAML.
    depends_on_job: 'depends_on',
    blocked_by: 'blocked_by',
    input_file: 'input_files',
    input_files: 'input_files',
    output_file: 'output_files',
    output_files: 'output_files',
    input_user_data: 'input_user_data',
    output_user_data: 'output_user_data',
  },
  actions: { job: 'jobs', jobs: 'jobs', command: 'commands', commands: 'commands' },
};

/** Child nodes whose arguments are all the value, as a list. */
const ARGUMENT_LISTS = new Set(['use_parameters', 'exit_codes']);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Parse KDL spec text into the plain spec object.
 * @throws the parser's InvalidKdlError (the caller turns it into a `(file)` issue with a line).
 */
export function parseKdl(text: string): Record<string, Json> {
  return documentToSpec(parseCompat(text));
}

function documentToSpec(doc: Document): Record<string, Json> {
  const spec: Record<string, Json> = {};
  for (const node of doc.nodes) {
    const name = node.getName();
    const list = TOP_LISTS[name];
    if (list) ((spec[list] ??= []) as Json[]).push(blockToObject(node, list));
    else if (name === 'parameters') spec[name] = parametersOf(node);
    else if (node.children) spec[name] = blockToObject(node, name, false);
    else spec[name] = firstArgument(node);
  }
  return spec;
}

/** A block node (`job "a" { … }`) as an object; `named` when its first argument is its name. */
function blockToObject(node: Node, kind: string, named = true): Record<string, Json> {
  const obj: Record<string, Json> = {};
  const first = node.getArgument(0);
  if (named && first !== undefined) obj.name = first as Json;
  for (const [key, entry] of node.getPropertyEntryMap()) obj[key] = entry.getValue() as Json;
  const lists = CHILD_LISTS[kind] ?? {};
  for (const child of node.children?.nodes ?? []) {
    const name = child.getName();
    const list = lists[name] ?? (name.endsWith('_regexes') ? name : undefined);
    if (list) ((obj[list] ??= []) as Json[]).push(...(child.getArguments() as Json[]));
    else if (name === 'parameters') obj[name] = parametersOf(child);
    else if (kind === 'failure_handlers' && name === 'rule')
      ((obj.rules ??= []) as Json[]).push(blockToObject(child, 'rule', false));
    else if (ARGUMENT_LISTS.has(name)) obj[name] = child.getArguments() as Json[];
    else if (kind === 'user_data' && name === 'data') obj[name] = jsonData(child);
    else if (child.children) obj[name] = blockToObject(child, name, false);
    else obj[name] = firstArgument(child);
  }
  return obj;
}

function parametersOf(node: Node): Record<string, Json> {
  const params: Record<string, Json> = {};
  for (const child of node.children?.nodes ?? []) params[child.getName()] = firstArgument(child);
  return params;
}

function firstArgument(node: Node): Json {
  return (node.getArgument(0) ?? null) as Json;
}

/** torc writes user data as a JSON string; text that is not JSON is kept as the string. */
function jsonData(node: Node): Json {
  const value = firstArgument(node);
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as Json;
  } catch {
    return value;
  }
}

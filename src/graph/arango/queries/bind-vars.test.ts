/**
 * What can be checked about the AQL without a server: ArangoDB refuses a query whose bind
 * parameters and `bindVars` differ in either direction (errorNum 1551 "no value specified
 * for declared bind parameter", 1552 "bind parameter was not declared in the query"), and a
 * `bindVars` value of `undefined` is dropped by JSON.stringify, which is the same as missing.
 * Every query builder of this folder is checked here with representative arguments.
 */
import type { AqlQuery } from 'arangojs/aql';
import { describe, expect, it } from 'vitest';
import { claimReadyQuery, listJobResourcesQuery, listQueuedQuery } from './claim-ready.js';
import { blocksNeighbourhoodQuery, runsAttemptQuery } from './direct-mode-view.js';
import { insertEdgeQuery } from './insert-edge.js';
import { dependentsQuery, jobDocQuery, jobStateQuery, writeJobStatesQuery } from './job-state.js';
import { listPageQuery } from './list-page.js';
import { startAttemptQuery } from './start-attempt.js';
import { recordResultQuery } from './record-result.js';
import { resultFromReport } from '../../result-document.js';
import {
  earlierRestartQuery,
  fingerprintFactsQuery,
  inputFilesQuery,
  rerunWorkflowQuery,
  resetJobsQuery,
  resetNeighbourhoodQuery,
} from './restart-queries.js';
import {
  allOfWorkflowQuery,
  getOwnedQuery,
  getWorkflowQuery,
  listWorkflowKeysQuery,
  removeByWorkflowQuery,
  removeOwnedQuery,
  removeTouchingEdgesQuery,
  updateOwnedQuery,
  updateWorkflowQuery,
} from './workflow-queries.js';
import { finishWorkflowQuery, statusCountsQuery } from './workflow-status.js';

/** `@name` / `@@name` tokens of the AQL text, outside comments and quoted strings. */
function declaredParameters(aql: string): Set<string> {
  const code = aql
    .replace(/\/\/[^\n]*/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return new Set([...code.matchAll(/@@?[A-Za-z0-9_]+/g)].map((m) => m[0].slice(1)));
}

function expectMatchingBindVars(query: AqlQuery): void {
  const declared = declaredParameters(query.query);
  const given = Object.entries(query.bindVars)
    .filter(([, value]) => value !== undefined)
    .map(([name]) => name);
  expect([...given].sort()).toEqual([...declared].sort());
}

const node = {
  _key: 'wf-w1',
  workflow: 'wf',
  worker_id: 'w1',
  hostname: 'h',
  pid: 1,
  num_cpus: 1,
  memory_bytes: 1,
  num_gpus: 0,
  started_at: 't',
  is_active: true,
};

const RESULT = resultFromReport({
  workflow: 'wf',
  job: 'wf-j1',
  attempt: 1,
  status: 'completed',
  return_code: 0,
  exec_time_s: 1,
  completion_time: 'now',
  compute_node: 'wf-n1',
});

const queries: Record<string, AqlQuery> = {
  recordResult: recordResultQuery(RESULT),
  recordResultThen: recordResultQuery(RESULT, {
    aql: 'UPDATE { _key: @job } WITH @jobPatch IN jobs',
    bindVars: { job: 'wf-j1', jobPatch: { status: 'completed' } },
  }),
  claimReadyAll: claimReadyQuery(5, 'now'),
  claimReadyOne: claimReadyQuery(5, 'now', 'wf'),
  listQueued: listQueuedQuery('t', 5),
  listJobResources: listJobResourcesQuery('wf'),
  insertEdge: insertEdgeQuery('needs', 'wf', { _key: 'k', _from: 'jobs/a', _to: 'files/f', workflow: 'wf' }),
  dependents: dependentsQuery(['a']),
  writeJobStates: writeJobStatesQuery([{ key: 'a', status: 'ready', unfinished_blockers: 0 }]),
  jobState: jobStateQuery('a'),
  jobDoc: jobDocQuery('a'),
  listPageWorkflows: listPageQuery('workflows', undefined),
  listPageFiltered: listPageQuery('jobs', 'wf', { offset: 1, limit: 2, filter: { status: 'ready', size: 3 } }),
  startAttempt: startAttemptQuery({ workflow: 'wf', job: 'a', attempt: 1, node, edgeKey: 'a-x1', now: 't' }),
  getOwned: getOwnedQuery('jobs', 'wf', 'a'),
  getWorkflow: getWorkflowQuery('wf'),
  updateWorkflow: updateWorkflowQuery('wf', { name: 'n' }),
  updateOwned: updateOwnedQuery('jobs', 'wf', 'a', { x: 1 }),
  removeByWorkflow: removeByWorkflowQuery('jobs', 'wf'),
  allOfWorkflow: allOfWorkflowQuery('jobs', 'wf'),
  removeOwned: removeOwnedQuery('jobs', 'wf', 'a'),
  removeTouchingEdges: removeTouchingEdgesQuery('blocks', 'jobs/a'),
  listWorkflowKeys: listWorkflowKeysQuery('running'),
  statusCounts: statusCountsQuery('wf'),
  finishWorkflow: finishWorkflowQuery('wf', 't'),
  resetNeighbourhood: resetNeighbourhoodQuery(['a']),
  resetJobs: resetJobsQuery([{ key: 'a', status: 'ready', unfinished_blockers: 0 }]),
  rerunWorkflow: rerunWorkflowQuery('wf'),
  earlierRestart: earlierRestartQuery('wf', 'r1'),
  runsAttempt: runsAttemptQuery('compute_nodes/n', '-x'),
  blocksNeighbourhood: blocksNeighbourhoodQuery('wf', 'a', 'b'),
  inputFiles: inputFilesQuery('a'),
  fingerprintFacts: fingerprintFactsQuery('a'),
};

describe('AQL bind parameters', () => {
  it.each(Object.entries(queries))('%s binds exactly the parameters it declares', (_name, query) => {
    expectMatchingBindVars(query);
  });

  it('detects a declared but unbound parameter and an unused binding', () => {
    expect(() => expectMatchingBindVars({ query: 'RETURN @a', bindVars: {} })).toThrow();
    expect(() => expectMatchingBindVars({ query: 'RETURN 1', bindVars: { a: 1 } })).toThrow();
    expect(() => expectMatchingBindVars({ query: 'RETURN @a', bindVars: { a: undefined } })).toThrow();
  });
});

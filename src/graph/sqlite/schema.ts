/**
 * SQLite schema and migrations for the graph store.
 *
 * Storage design: four tables instead of one per collection, so every collection shares
 * the same statements.
 * - `workflows`: the root documents, with `status` as a hot column (the scheduler lists by it).
 * - `jobs`: the hot columns the lifecycle reads and writes (status, attempt, counters,
 *   queued_at) beside the JSON document. The JSON stays the authority for what is
 *   returned; every write updates both in the same statement (`json_set`) so they never
 *   disagree, and the lifecycle never parses JSON to filter or count.
 * - `docs`: every other workflow collection (files, user_data, …, events).
 * - `edges`: every edge collection, with `_from` / `_to` indexed for traversal. Edges are
 *   the most numerous rows, so they are slim: system fields are columns only and `doc`
 *   holds the other fields (NULL when there are none); no rowid table beside the key.
 * Keys are unique per collection across workflows (as in ArangoDB).
 */
import type { Database } from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE workflows (
    _key   TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    doc    TEXT NOT NULL
  );
  CREATE INDEX workflows_status ON workflows (status);

  CREATE TABLE jobs (
    _key                TEXT PRIMARY KEY,
    workflow            TEXT NOT NULL,
    name                TEXT NOT NULL,
    status              TEXT NOT NULL,
    attempt             INTEGER NOT NULL,
    unfinished_blockers INTEGER NOT NULL,
    cancel_on_failure   INTEGER NOT NULL,
    queued_at           TEXT,
    doc                 TEXT NOT NULL
  );
  CREATE INDEX jobs_workflow_key ON jobs (workflow, _key);
  CREATE INDEX jobs_workflow_status ON jobs (workflow, status);
  CREATE INDEX jobs_status_queued ON jobs (status, queued_at);

  CREATE TABLE docs (
    collection TEXT NOT NULL,
    _key       TEXT NOT NULL,
    workflow   TEXT NOT NULL,
    doc        TEXT NOT NULL,
    PRIMARY KEY (collection, _key)
  );
  CREATE INDEX docs_workflow ON docs (workflow, collection, _key);

  CREATE TABLE edges (
    collection TEXT NOT NULL,
    _key       TEXT NOT NULL,
    workflow   TEXT NOT NULL,
    _from      TEXT NOT NULL,
    _to        TEXT NOT NULL,
    doc        TEXT,
    -- _key first: a collection-only prefix would tempt the planner away from edges_from/_to.
    PRIMARY KEY (_key, collection)
  ) WITHOUT ROWID;
  CREATE INDEX edges_workflow ON edges (workflow, collection, _key);
  CREATE INDEX edges_from ON edges (_from, collection);
  CREATE INDEX edges_to ON edges (_to, collection);
  `,
  // A restart's request id is looked up in its transaction (restartJobs): only the events
  // that carry one are indexed, so the index stays as small as the number of restarts.
  `
  CREATE INDEX events_request_id ON docs (workflow, json_extract(doc, '$.request_id'))
    WHERE collection = 'events' AND json_extract(doc, '$.request_id') IS NOT NULL;
  `,
  // Access (decision 0013): tokens are found by the hash of the presented secret on every
  // request; groups are few and read whole.
  `
  CREATE TABLE tokens (
    _key TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    user TEXT NOT NULL,
    doc  TEXT NOT NULL
  );
  CREATE INDEX tokens_user ON tokens (user, _key);

  CREATE TABLE access_groups (
    _key TEXT PRIMARY KEY,
    doc  TEXT NOT NULL
  );
  `,
];

/** Bring the database to the latest schema version (`PRAGMA user_version`), in one transaction. */
export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current >= MIGRATIONS.length) return;
  db.transaction(() => {
    for (let v = current; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

/**
 * The spawn helper in Node (CommonJS run with `node -e`, built-ins only, so it needs neither
 * the project's loader nor its modules): the fallback where no Python ≥ 3.8 is found. Node's
 * `spawn` forks, so a launch costs more than the Python helper's (spawn-helper-python.ts), but
 * still far less than a fork of a large worker process. Same messages, one JSON object per line.
 */

/** The helper's source. */
export const NODE_HELPER_SOURCE = `
process.title = 'jobgraph-spawn-helper';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const send = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
function onSpawn(m) {
  let out, err;
  try {
    fs.mkdirSync(path.dirname(m.out), { recursive: true });
    fs.mkdirSync(path.dirname(m.err), { recursive: true });
    out = fs.openSync(m.out, 'w');
    err = fs.openSync(m.err, 'w');
  } catch (e) {
    if (out !== undefined) fs.closeSync(out);
    send({ t: 'failed', id: m.id, message: String((e && e.message) || e) });
    return;
  }
  let child;
  try {
    child = spawn(m.file, m.args, { cwd: m.cwd, env: Object.assign({}, process.env, m.env), detached: true, stdio: ['ignore', out, err] });
  } catch (e) {
    // spawn throws at once on arguments it refuses: one bad request must not take down the
    // helper, and with it the exit reports of every running job.
    fs.closeSync(out);
    fs.closeSync(err);
    send({ t: 'failed', id: m.id, message: String((e && e.message) || e) });
    return;
  }
  fs.closeSync(out);
  fs.closeSync(err);
  let spawned = false;
  child.on('error', (e) => { if (!spawned) send({ t: 'failed', id: m.id, message: e.message }); });
  child.on('spawn', () => { spawned = true; send({ t: 'spawned', id: m.id, pid: child.pid }); });
  child.on('exit', (code, signal) => { if (spawned) send({ t: 'exit', id: m.id, code, signal }); });
}
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const m = JSON.parse(line);
  if (m && m.t === 'spawn') onSpawn(m);
}).on('close', () => process.exit(0));
// A terminal's Ctrl-C reaches the whole foreground group, this helper included; it must
// outlive the worker's graceful stop to report the terminated jobs' exits.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGQUIT']) process.on(sig, () => {});
send({ t: 'ready' });
`;

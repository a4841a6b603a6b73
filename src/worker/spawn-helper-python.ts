/**
 * The spawn helper in Python (run with `python3 -I -S -c`: no user site, no PYTHON* variables,
 * no site import; standard library only). Python's
 * `os.posix_spawn` is glibc's, which starts the child with `clone(CLONE_VM | CLONE_VFORK)`:
 * no copy of the helper's page tables, so a launch costs about what it costs `xargs`
 * (bench/spawn-cost.ts; Node's `spawn` forks, ~2.5× the time per `sh -c true` here).
 * Same messages as the Node helper (spawn-helper.ts), one JSON object per line.
 *
 * What a job gets, as from the Node helper: `/bin/sh -c …` as the leader of a new session
 * (setsid), stdin from /dev/null, stdout and stderr to files created (with their
 * directories) or truncated, the helper's environment plus the request's, the request's
 * directory — and every signal at its default disposition with none blocked (Python itself
 * ignores SIGPIPE and SIGXFSZ, and the helper traps SIGINT, SIGTERM and SIGQUIT: none of
 * that may reach a job). Exits are reaped on SIGCHLD, which wakes the loop through a pipe.
 */

/** The helper's source. Requires Python ≥ 3.8 (`posix_spawn`'s `setsid`); an older one exits 3 before `ready`. */
export const PYTHON_HELPER_SOURCE = String.raw`
import json, os, select, signal, sys
if sys.version_info < (3, 8):
    sys.exit(3)
try:
    # The name ps and top show (as the Node helper's process.title): PR_SET_NAME, Linux only.
    import ctypes
    ctypes.CDLL(None).prctl(15, b'jobgraph-spawn-helper', 0, 0, 0)
except Exception:
    pass

def send(message):
    data = (json.dumps(message) + '\n').encode()
    while data:
        data = data[os.write(1, data):]

wake_r, wake_w = os.pipe()
os.set_blocking(wake_r, False)
os.set_blocking(wake_w, False)
signal.set_wakeup_fd(wake_w)
signal.signal(signal.SIGCHLD, lambda *_: None)
# A terminal's Ctrl-C reaches the whole foreground group, this helper included; it must
# outlive the worker's graceful stop to report the terminated jobs' exits. Handlers, not
# SIG_IGN: a handler is reset by exec, an ignored signal would stay ignored in every job.
for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT):
    signal.signal(sig, lambda *_: None)
DEFAULTS = [s for s in signal.valid_signals() if s not in (signal.SIGKILL, signal.SIGSTOP)]
BASE_ENV = dict(os.environ)
children = {}

def open_log(path):
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        return os.open(path, flags, 0o666)
    except FileNotFoundError:
        # Its directory is made when missing (the first job of a workflow), not checked each time.
        os.makedirs(os.path.dirname(path), exist_ok=True)
        return os.open(path, flags, 0o666)

def spawn(m):
    out = open_log(m['out'])
    try:
        err = open_log(m['err'])
        try:
            env = dict(BASE_ENV)
            env.update(m['env'])
            # posix_spawn has no chdir action here: the helper moves, its paths are absolute.
            os.chdir(m['cwd'])
            actions = [
                (os.POSIX_SPAWN_OPEN, 0, '/dev/null', os.O_RDONLY, 0),
                (os.POSIX_SPAWN_DUP2, out, 1),
                (os.POSIX_SPAWN_DUP2, err, 2),
            ]
            return os.posix_spawnp(m['file'], [m['file']] + m['args'], env, file_actions=actions,
                                   setsid=True, setsigdef=DEFAULTS, setsigmask=[])
        finally:
            os.close(err)
    finally:
        os.close(out)

def reap():
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        rid = children.pop(pid, None)
        if rid is None:
            continue
        if os.WIFSIGNALED(status):
            send({'t': 'exit', 'id': rid, 'code': None, 'signal': signal.Signals(os.WTERMSIG(status)).name})
        else:
            send({'t': 'exit', 'id': rid, 'code': os.WEXITSTATUS(status), 'signal': None})

send({'t': 'ready'})
pending = b''
while True:
    readable, _, _ = select.select([0, wake_r], [], [])
    if wake_r in readable:
        try:
            os.read(wake_r, 4096)
        except BlockingIOError:
            pass
    reap()
    if 0 not in readable:
        continue
    chunk = os.read(0, 65536)
    if not chunk:
        sys.exit(0)
    pending += chunk
    while b'\n' in pending:
        line, pending = pending.split(b'\n', 1)
        m = json.loads(line)
        if m.get('t') != 'spawn':
            continue
        try:
            pid = spawn(m)
        except Exception as e:
            send({'t': 'failed', 'id': m['id'], 'message': str(e)})
            continue
        children[pid] = m['id']
        send({'t': 'spawned', 'id': m['id'], 'pid': pid})
`;

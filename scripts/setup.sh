#!/usr/bin/env bash
# Install what a fresh Debian 12 + Node 20 machine lacks for jobgraph and its test suite:
# redis-server (runs the queues), Slurm and munge (the tests' private Slurm cluster; the
# test setup starts munged and the Slurm daemons itself), Chromium (the API docs browser
# test) and docker-compose (validates deploy/compose.yaml; no container engine is needed)
# from apt, moto's server (the EC2 API the AWS provider's tests run against) with pip, and
# the npm dependencies (better-sqlite3 is compiled from source: about a minute), and .venv, the
# Python virtualenv the generated Python client's tests run in (its dependencies from PyPI).
# `scripts/setup.sh --peers` installs only the benchmark's peer tools (see below).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# `setup.sh --peers`: only the tools `npm run bench -- --peers` compares jobgraph with (GNU
# parallel, Snakemake, Dask distributed, Celery with its Redis transport), from Debian's packages:
# they install into /usr/bin/python3, which the bench tries when the `python3` on PATH lacks them.
if [ "${1:-}" = "--peers" ]; then
  echo "setup: installing the bench's peers (parallel snakemake python3-distributed python3-celery python3-redis)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq parallel snakemake python3-distributed python3-celery \
    python3-redis >/dev/null
  echo "setup: peers installed" >&2
  exit 0
fi

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v sbatch >/dev/null 2>&1 || missing+=(slurm-wlm munge)
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v make >/dev/null 2>&1 || missing+=(make)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
# The curl walkthrough in docs/api.md (run by the tests) needs curl and jq; the Go client's tests, go.
command -v curl >/dev/null 2>&1 || missing+=(curl)
command -v jq >/dev/null 2>&1 || missing+=(jq)
command -v go >/dev/null 2>&1 || missing+=(golang-go)
command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null 2>&1; then
  missing+=(docker-compose)
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} with apt-get" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! command -v moto_server >/dev/null 2>&1; then
  echo "setup: installing moto[server] with pip" >&2
  python3 -m pip install --quiet 'moto[server]'
  # pyenv makes the command's shim only on a rehash.
  if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
fi

# The client itself is reinstalled from clients/python by its test; here come its dependencies,
# pytest and mypy, and a setuptools that builds it offline (--no-build-isolation).
if [ ! -x .venv/bin/python ] || [ clients/python/pyproject.toml -nt .venv/pyvenv.cfg ]; then
  echo "setup: Python virtualenv .venv for the Python client's tests" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip 'setuptools>=77' wheel
  .venv/bin/pip install --quiet './clients/python[test]'
  touch .venv/pyvenv.cfg
fi

# A node_modules that is a symlink (a worktree sharing another checkout's) is not ours to reinstall:
# npm ci would empty the checkout it points to.
if [ ! -L node_modules ] && { [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  echo "setup: npm ci (builds better-sqlite3 from source)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
# Compile the CLI once here (decision 0015): `npm ci` runs it as `prepare`, but a checkout
# whose node_modules is already current skips `npm ci`.
echo "setup: npm run build (bundles the CLI into dist/)" >&2
npm run --silent build
echo "setup: done" >&2

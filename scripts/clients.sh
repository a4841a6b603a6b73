#!/usr/bin/env bash
# `npm run clients`: generate the Python and Go API clients from the committed
# openapi/openapi.json with OpenAPI Generator (a pinned version, fetched once with Maven into
# ~/.cache/jobgraph, no Docker), and record beside each client the hash of the document it was
# made from and of the files made, which test/clients/clients-fresh.test.ts checks.
# The TypeScript client needs no generator: it is openapi-fetch over openapi/schema.d.ts
# (`npm run openapi`), exported as `jobgraph/client`.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=7.25.0
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/jobgraph"
JAR="$CACHE/openapi-generator-cli-$VERSION.jar"
if [ ! -f "$JAR" ]; then
  echo "clients: fetching openapi-generator-cli $VERSION with Maven into $CACHE" >&2
  mkdir -p "$CACHE"
  mvn -q -B dependency:copy "-Dartifact=org.openapitools:openapi-generator-cli:$VERSION:jar" \
    "-DoutputDirectory=$CACHE" -Dmdep.useBaseVersion=true
fi

generate() { # generator, output dir, additional properties, other options
  local gen=$1 out=$2 props=$3
  shift 3
  # Files the generator made last time go first, so a renamed schema leaves no orphan;
  # hand-written files are listed in the client's .openapi-generator-ignore and kept.
  if [ -f "$out/.openapi-generator/FILES" ]; then
    (cd "$out" && xargs -r rm -f <.openapi-generator/FILES)
  fi
  java -jar "$JAR" generate -i openapi/openapi.json -g "$gen" -o "$out" \
    --additional-properties="$props" --global-property=apiTests=false,modelTests=false "$@" >/dev/null
}

generate python clients/python \
  packageName=jobgraph_api,projectName=jobgraph-api,packageVersion=0.1.0,library=urllib3
generate go clients/go \
  packageName=jobgraph,packageVersion=0.1.0,withGoMod=true \
  --git-host=github.com --git-user-id=jobgraph --git-repo-id=jobgraph-go
(cd clients/go && gofmt -l -w . >/dev/null)

npx tsx scripts/client-fingerprint.ts write clients/python clients/go
echo "clients: generated clients/python and clients/go with openapi-generator $VERSION" >&2

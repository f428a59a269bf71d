#!/bin/sh
# Starts innominatus in the JVM image (Dockerfile.jvm): the start-up flags (JAVA_STARTUP_OPTS), the JDK AOT
# cache when the image has one (app.aot), then JAVA_OPTS and whatever arguments the container was given.
# A cache the JVM cannot use (another JDK build, other flags) is reported by the JVM and ignored; start-up
# is then just slower.
#
# innominatus-jvm.sh --train-aot-cache makes app.aot (JDK 25+): it starts the service once on loopback with
# a scratch store, waits until it has started, and stops it; the JVM writes the cache as it exits. A cache
# already there (trained by the build's integration tests) is kept if this JVM accepts it.
set -eu
cd "$(dirname "$0")"

# Starts the service with the given extra JVM options and stops it once it has started.
# The option variables hold several options each: word splitting is intended.
# shellcheck disable=SC2086
start_and_stop() {
  scratch=$(mktemp -d)
  log="$scratch/start.log"
  QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT=0 INNOMINATUS_DATA_DIR="$scratch/data" \
    java ${JAVA_STARTUP_OPTS:-} "$@" ${JAVA_OPTS:-} -jar quarkus-run.jar >"$log" 2>&1 &
  pid=$!
  while ! grep -q ' started in ' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      rm -rf "$scratch"
      return 1
    fi
    sleep 1
  done
  kill -TERM "$pid"
  wait "$pid" || true
  grep 'AOTCache creation' "$log" || true
  rm -rf "$scratch"
}

if [ "${1:-}" = "--train-aot-cache" ]; then
  if [ -s app.aot ] && start_and_stop -XX:AOTMode=on -XX:AOTCache=app.aot >/dev/null 2>&1; then
    echo "AOT cache: app.aot from the build works with this JVM"
    exit 0
  fi
  rm -f app.aot
  start_and_stop -XX:AOTCacheOutput=app.aot
  if [ ! -s app.aot ]; then
    echo "AOT cache: the training run wrote no app.aot" >&2
    exit 1
  fi
  echo "AOT cache: app.aot trained by this JVM"
  exit 0
fi

aot=""
if [ -s app.aot ]; then
  aot="-XX:AOTCache=app.aot"
fi
# shellcheck disable=SC2086
exec java ${JAVA_STARTUP_OPTS:-} ${aot} ${JAVA_OPTS:-} -jar quarkus-run.jar "$@"

#!/bin/sh
# Starts innominatus in the JVM image (Dockerfile.jvm): the start-up flags (JAVA_STARTUP_OPTS), the JDK AOT
# cache when the image has one (app.aot, trained with the same start-up flags), then JAVA_OPTS and whatever
# arguments the container was given. A cache the JVM cannot use (another JDK build, other flags) is
# reported by the JVM and ignored; start-up is then just slower.
set -eu
cd "$(dirname "$0")"
aot=""
if [ -s app.aot ]; then
  aot="-XX:AOTCache=app.aot"
fi
# The option variables hold several options each: word splitting is intended.
# shellcheck disable=SC2086
exec java ${JAVA_STARTUP_OPTS:-} ${aot} ${JAVA_OPTS:-} -jar quarkus-run.jar "$@"

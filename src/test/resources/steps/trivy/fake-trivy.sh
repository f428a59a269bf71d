#!/bin/sh
# A stand-in for trivy's CLI: `trivy image --quiet --format json --exit-code 0 IMAGE` prints a JSON report
# (SchemaVersion 2, Results[].Vulnerabilities[]) chosen by the image name, next to this script:
#   *vulnerable*  vulnerable.json       *clean*  clean.json
#   *missing*     fails like trivy does for an image it cannot fetch
# FAKE_TRIVY_RECORD names a file that gets every argv; FAKE_TRIVY_SLEEP=1 blocks (for cancellation)
# after writing the pid to $FAKE_TRIVY_RECORD.pid.
set -u
here=$(dirname "$0")
[ -n "${FAKE_TRIVY_RECORD:-}" ] && printf '%s\n' "$*" >> "$FAKE_TRIVY_RECORD"
if [ "${1:-}" != "image" ]; then
  echo "Error: unknown command \"${1:-}\" for \"trivy\"" >&2
  exit 1
fi
shift
format=table
exit_code=0
image=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quiet|-q) ;;
    --format|-f) shift; format="$1" ;;
    --exit-code) shift; exit_code="$1" ;;
    -*) echo "Error: unknown flag: $1" >&2; exit 1 ;;
    *) image="$1" ;;
  esac
  shift
done
if [ -z "$image" ] || [ "$format" != json ]; then
  echo "Error: this stand-in only answers 'image --format json IMAGE'" >&2
  exit 1
fi
if [ "${FAKE_TRIVY_SLEEP:-0}" = 1 ]; then
  echo $$ > "${FAKE_TRIVY_RECORD}.pid"
  exec sleep 300
fi
case "$image" in
  *missing*)
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ)	FATAL	Fatal error	image scan error: scan error: unable to initialize a scan service: unable to find the specified image \"$image\"" >&2
    exit 1
    ;;
  *vulnerable*)
    cat "$here/vulnerable.json"
    # Like trivy: --exit-code N makes findings exit with N (the step passes 0 and reads the report).
    exit "$exit_code"
    ;;
  *) cat "$here/clean.json" ;;
esac
exit 0

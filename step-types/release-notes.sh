#!/bin/sh
# A step type registered in admin-config without Java code (stepTypes.release-notes): appends a release
# note for the application to a notes file. It reads the step request as JSON on stdin, writes log lines
# to stderr and answers {"outputs": {...}} on stdout.
set -eu
request=$(cat)
message=$(printf '%s' "$request" | sed -n 's/.*"message":"\([^"]*\)".*/\1/p')
notes="${TMPDIR:-/tmp}/innominatus-release-notes.md"
line="- $(date -u +%Y-%m-%dT%H:%M:%SZ) $INNOMINATUS_APPLICATION ($INNOMINATUS_ENVIRONMENT): ${message:-released}"
if printf '%s' "$request" | grep -q '"dryRun":true'; then
  echo "dry run: would append to $notes: $line" >&2
else
  echo "$line" >> "$notes"
  echo "appended to $notes: $line" >&2
fi
printf '{"outputs": {"notesFile": "%s", "execution": "%s"}}\n' "$notes" "$INNOMINATUS_EXECUTION_ID"

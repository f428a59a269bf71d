#!/bin/sh
# A custom step type for tests: echoes parts of its request back as outputs, fails on demand.
request=$(cat)
echo "got request for $INNOMINATUS_STEP" >&2
case "$request" in
  *'"fail":true'*) echo "asked to fail" >&2; exit 4 ;;
esac
if printf '%s' "$request" | grep -q '"dryRun":true'; then dry=true; else dry=false; fi
key=$(printf '%s' "$request" | sed -n 's/.*"idempotencyKey":"\([^"]*\)".*/\1/p')
printf '{"outputs": {"dryRun": "%s", "key": "%s", "token": "t0ps3cret"}, "secretOutputs": ["token"]}\n' "$dry" "$key"

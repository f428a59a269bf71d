#!/bin/sh
# A stand-in for the terraform CLI that follows its command-line contract closely enough for the step
# executor's tests. Driven by environment variables (the step passes config.env through):
#   FAKE_TF_RECORD  file to which every invocation appends its working directory, argv and var files
#   FAKE_TF_FAIL    subcommand (init|plan|apply|destroy|output) that fails with terraform's error format
#   FAKE_TF_SLEEP   subcommand that blocks (for cancellation); it records its pids in $FAKE_TF_RECORD.pids
#   FAKE_TF_CHANGES "1": plan -detailed-exitcode reports pending changes (exit 2)
#   FAKE_TF_LONG_OUTPUT "1": output -json prints one line holding a 10,000-character sensitive value
set -u
record() { [ -n "${FAKE_TF_RECORD:-}" ] && printf '%s\n' "$*" >> "$FAKE_TF_RECORD"; return 0; }
sub="${1:-}"
[ $# -gt 0 ] && shift
record "CWD $(pwd)"
record "ARGS $sub $*"
record "ENV TF_IN_AUTOMATION=${TF_IN_AUTOMATION:-} TF_INPUT=${TF_INPUT:-}"

detailed=0
for arg in "$@"; do
  case "$arg" in
    -var-file=*)
      file="${arg#-var-file=}"
      if [ ! -f "$file" ]; then
        echo "Error: Failed to read variables file" >&2
        echo "Given variables file $file does not exist." >&2
        exit 1
      fi
      record "VARFILE $file"
      record "VARS $(cat "$file")"
      ;;
    -detailed-exitcode) detailed=1 ;;
    -input=false|-no-color|-auto-approve|-json|-destroy) ;;
    -*) echo "Error: flag provided but not defined: $arg" >&2; exit 1 ;;
  esac
done

if [ "${FAKE_TF_SLEEP:-}" = "$sub" ]; then
  echo "$sub: still creating... [10s elapsed]"
  sleep 300 &
  child=$!
  record "PIDS $$ $child"
  echo "$$ $child" > "${FAKE_TF_RECORD}.pids"
  wait "$child"
fi

if [ "${FAKE_TF_FAIL:-}" = "$sub" ]; then
  echo "" >&2
  echo "Error: Invalid provider configuration during $sub" >&2
  echo "" >&2
  exit 1
fi

needs_init() {
  if [ ! -d .terraform ]; then
    echo "Error: Inconsistent dependency lock file; run \"terraform init\"" >&2
    exit 1
  fi
}

case "$sub" in
  init)
    mkdir -p .terraform
    echo "Initializing the backend..."
    echo "Terraform has been successfully initialized!"
    ;;
  plan)
    needs_init
    echo "Terraform will perform the following actions:"
    echo "  # null_resource.app will be created"
    echo "Plan: 1 to add, 0 to change, 0 to destroy."
    if [ "$detailed" = 1 ] && [ "${FAKE_TF_CHANGES:-0}" = 1 ]; then exit 2; fi
    ;;
  apply)
    needs_init
    echo "null_resource.app: Creating..."
    echo "null_resource.app: Creation complete after 0s [id=4242]"
    echo "Apply complete! Resources: 1 added, 0 changed, 0 destroyed."
    touch applied.state
    ;;
  destroy)
    needs_init
    echo "null_resource.app: Destroying... [id=4242]"
    echo "Destroy complete! Resources: 1 destroyed."
    rm -f applied.state
    ;;
  output)
    needs_init
    if [ "${FAKE_TF_LONG_OUTPUT:-0}" = 1 ]; then
      # terraform prints compact JSON when stdout is not a terminal in some versions: one long line.
      long=$(head -c 10000 /dev/zero | tr '\0' 'k')
      printf '{"kubeconfig":{"sensitive":true,"type":"string","value":"%s"}}\n' "$long"
      exit 0
    fi
    cat <<'JSON'
{
  "bucket_name": {"sensitive": false, "type": "string", "value": "shop-assets"},
  "replicas": {"sensitive": false, "type": "number", "value": 3},
  "zones": {"sensitive": false, "type": ["list", "string"], "value": ["a", "b"]},
  "db_password": {"sensitive": true, "type": "string", "value": "s3cr3t-pa55"}
}
JSON
    ;;
  *)
    echo "Usage: terraform [global options] <subcommand> [args]" >&2
    exit 1
    ;;
esac

#!/bin/sh
# Creates a search index (here: answers with its name) for the search-index provisioner.
printf '{"index": "idx-%s"}\n' "$1" > out.json

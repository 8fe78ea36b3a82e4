#!/bin/sh
# The inventory command: prints every host of hosts.ini as a line of NDJSON, its group and
# address as labels (what `ansible-inventory --list` would give, flattened).
set -eu
awk '
  /^[[:space:]]*(#|;|$)/ { next }
  /^\[/ { group = substr($0, 2, index($0, "]") - 2); next }
  {
    address = ""
    for (i = 2; i <= NF; i++) if ($i ~ /^ansible_host=/) address = substr($i, 14)
    printf "{\"name\": \"%s\", \"labels\": {\"group\": \"%s\", \"address\": \"%s\"}}\n", $1, group, address
  }
' hosts.ini

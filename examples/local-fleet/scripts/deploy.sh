#!/bin/sh
# Deploys (or rolls back) one target of the demo fleet. Tranche passes every value through the
# environment; nothing is interpolated into this script.
set -eu
state="${DEMO_STATE:-./.fleet}"
dir="$state/targets/$TRANCHE_TARGET"
build="$state/builds/$TRANCHE_VERSION.json"
mkdir -p "$dir"
if [ -f "$build" ]; then cp "$build" "$dir/release.next"; else printf '{}\n' > "$dir/release.next"; fi
printf '%s\n' "$TRANCHE_VERSION" > "$dir/version.next"
sleep 0.2 # the "restart"
mv "$dir/release.next" "$dir/release.json"
mv "$dir/version.next" "$dir/version"
echo "$TRANCHE_ACTION $TRANCHE_COMPONENT/$TRANCHE_TARGET: ${TRANCHE_PREVIOUS_VERSION:-nothing} -> $TRANCHE_VERSION"
